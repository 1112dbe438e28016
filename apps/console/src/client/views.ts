// The console's panels, drawn from state. Each function owns one element of the page.
import type { ScenarioInfo } from '@hooklab/scenarios';
import { chartOf, trialsOf } from '../domain/charts.ts';
import { type Counters, countHops, pollSeries } from '../domain/counters.ts';
import { curlOf } from '../domain/exports.ts';
import { type Hop, labelOf, outcomeOf } from '../domain/hops.ts';
import type { RunView, ServiceState } from '../domain/store.ts';
import {
  effectOf,
  RECEIVER_LABELS,
  type ReceiverMode,
  type Switch,
  switchLabel,
} from '../domain/switches.ts';
import { fill, h, s } from './dom.ts';

export interface Boot {
  catalog: ScenarioInfo[];
  urls: Record<string, string>;
}

const time = (at: number) => new Date(at).toLocaleTimeString(undefined, { hour12: false });

/** The scenario list: story, steps, parameters and a Run button each; unbuilt ones marked as such. */
export function renderScenarios(
  host: HTMLElement,
  catalog: ScenarioInfo[],
  onRun: (id: string, params: Record<string, string | boolean>) => void,
): void {
  fill(
    host,
    catalog.map((sc) => {
      const form = h('form', {
        class: 'params',
        'data-testid': `params-${sc.id}`,
        onsubmit: ((e: Event) => {
          e.preventDefault();
          const params: Record<string, string | boolean> = {};
          for (const p of sc.params) {
            const input = (e.currentTarget as HTMLFormElement).elements.namedItem(
              p.name,
            ) as HTMLInputElement | null;
            if (!input) continue;
            if (p.type === 'boolean') params[p.name] = input.checked;
            else if (input.value !== '') params[p.name] = input.value;
          }
          onRun(sc.id, params);
        }) as EventListener,
      });
      for (const p of sc.params) {
        const id = `p-${sc.id}-${p.name}`;
        form.append(
          h(
            'label',
            { for: id, title: p.help ?? '' },
            p.label,
            p.type === 'boolean'
              ? h('input', { id, name: p.name, type: 'checkbox', checked: p.default === true })
              : h('input', {
                  id,
                  name: p.name,
                  type: p.type === 'number' ? 'number' : p.type === 'url' ? 'url' : 'text',
                  placeholder: p.default === undefined ? (p.required ? 'required' : '') : String(p.default),
                  required: p.required === true,
                  min: p.min,
                  max: p.max,
                }),
          ),
        );
      }
      form.append(
        h(
          'button',
          { type: 'submit', class: 'run', disabled: !sc.built, 'data-testid': `run-${sc.id}` },
          sc.built ? `Run ${sc.id}` : 'Not built yet',
        ),
      );
      return h(
        'details',
        {
          class: `scenario${sc.built ? '' : ' unbuilt'}`,
          'data-testid': `scenario-${sc.id}`,
          'data-built': String(sc.built),
        },
        h(
          'summary',
          {},
          h('span', { class: 'sid' }, sc.id),
          ' ',
          sc.title,
          sc.built ? null : h('span', { class: 'badge' }, 'later milestone'),
        ),
        h('p', { class: 'story' }, sc.story),
        sc.steps.length
          ? h(
              'ol',
              { class: 'steps' },
              sc.steps.map((st) => h('li', {}, st)),
            )
          : null,
        sc.actors.length ? h('p', { class: 'muted' }, `Needs: ${sc.actors.join(', ')}`) : null,
        sc.doc ? h('p', { class: 'muted' }, 'Doc: ', h('code', {}, sc.doc)) : null,
        form,
      );
    }),
  );
}

/** The selected run: its steps, each lit as it starts, with what was narrated under it. */
export function renderRun(host: HTMLElement, run: RunView | undefined): void {
  if (!run) {
    fill(host, h('p', { class: 'muted' }, 'Run a scenario: its steps are narrated here as they happen.'));
    return;
  }
  const current = [...run.lines].reverse().find((l) => l.step !== null)?.step ?? -1;
  const items = run.steps.map((title, i) => {
    const lines = run.lines.filter((l) => l.step === i && !/^step \d+$/.test(l.text));
    const state =
      i < current || (i === current && run.status === 'passed')
        ? 'done'
        : i === current
          ? run.status
          : 'todo';
    return h(
      'li',
      { class: `step ${state}`, 'data-testid': 'run-step', 'data-state': state },
      h('span', { class: 'title' }, title),
      lines.length
        ? h(
            'ul',
            { class: 'lines' },
            lines.map((l) => h('li', {}, h('span', { class: 'at' }, time(l.at)), ' ', l.text)),
          )
        : null,
    );
  });
  fill(
    host,
    h(
      'div',
      { class: 'run-head' },
      h('strong', {}, `${run.scenario} — ${run.title}`),
      ' ',
      h(
        'span',
        {
          class: `badge ${run.status}`,
          'data-testid': 'run-status',
          'data-status': run.status,
          'data-run-id': run.id,
        },
        run.status,
      ),
      h('span', { class: 'muted' }, ` trace ${run.traceId.slice(0, 8)}… · ${time(run.startedAt)}`),
      // Long runs (S11 measures for seconds, S12 waits on its poller): where it is and for how long.
      h(
        'span',
        { class: 'muted', 'data-testid': 'run-progress' },
        ` · step ${Math.max(0, current) + 1} of ${run.steps.length} · ${(((run.endedAt ?? Date.now()) - run.startedAt) / 1000).toFixed(0)} s`,
      ),
    ),
    Object.keys(run.params).length
      ? h('p', { class: 'muted' }, `params: ${JSON.stringify(run.params)}`)
      : null,
    h('ol', { class: 'run-steps' }, items),
    run.error ? h('p', { class: 'error', role: 'alert' }, run.error) : null,
  );
}

const COUNTER_ROWS: [keyof Counters, string, string][] = [
  ['requests', 'API requests', 'the caller asked'],
  ['polls', 'of which polls', 'the same GET again'],
  ['pollsNothingNew', 'polls that told nothing new', 'same answer as the poll before'],
  ['deliveries', 'webhook deliveries', 'the provider told'],
  ['deliveryAttempts', 'delivery attempts', 'failed ones included'],
  ['retries', 'retries', 'attempts after the first'],
  ['failures', 'failures', 'no answer, or 4xx/5xx'],
  ['drops', 'drops', 'given up by the sender'],
  ['duplicatesSuppressed', 'duplicates suppressed', 'the receiver had it already'],
];

/** Counters for the selected trace beside the same for everything seen. */
export function renderCounters(host: HTMLElement, traceHops: Hop[] | null, allHops: Hop[]): void {
  const mine = traceHops ? countHops(traceHops) : null;
  const all = countHops(allHops);
  const series = pollSeries(traceHops ?? allHops);
  fill(
    host,
    h(
      'table',
      { class: 'counters' },
      h('thead', {}, h('tr', {}, h('th', {}, ''), h('th', {}, 'this trace'), h('th', {}, 'everything'))),
      h(
        'tbody',
        {},
        COUNTER_ROWS.map(([key, label, help]) =>
          h(
            'tr',
            { title: help },
            h('td', {}, label),
            h(
              'td',
              { 'data-testid': `counter-trace-${key}`, 'data-value': mine?.[key] ?? '' },
              mine ? mine[key] : '—',
            ),
            h('td', { 'data-testid': `counter-all-${key}`, 'data-value': all[key] }, all[key]),
          ),
        ),
      ),
    ),
    series.length
      ? h(
          'p',
          { class: 'muted' },
          'Polls: ',
          series.map((p, i) => [
            i ? '; ' : '',
            `${p.from} → ${p.to}: ${p.polls} (${p.nothingNew} told nothing new)`,
          ]),
        )
      : null,
  );
}

const fmt = (v: number | null, unit: 'count' | 'ms') =>
  v === null ? '—' : unit === 'ms' ? `${v} ms` : String(v);

/**
 * A run's asking-versus-told chart (S02, S11, S12): one group of bars per figure, one bar per side, each
 * group scaled on its own (counts and milliseconds share no axis). Test ids: `<id>-<side>-<row>`.
 */
export function renderComparison(host: HTMLElement, run: RunView | undefined): void {
  const chart = chartOf(run);
  if (!chart) {
    host.hidden = true;
    return;
  }
  host.hidden = false;
  const n = chart.sides.length;
  const barH = 12;
  const groupH = n * (barH + 3) + 16;
  const labelW = 130;
  const barW = 150;
  const legendH = 18 * Math.ceil(n / 2) + 6;
  const height = legendH + chart.metrics.length * groupH;
  const svg = s(
    'svg',
    {
      viewBox: `0 0 ${labelW + barW + 70} ${height}`,
      width: labelW + barW + 70,
      height,
      'data-testid': `${chart.id}-chart`,
    },
    chart.sides.map((side, i) => {
      const x = (i % 2) * 170;
      const y = 4 + Math.floor(i / 2) * 18;
      return [
        s('rect', { x, y, width: 10, height: 10, class: `bar ${side.tone} side-${i}` }),
        s('text', { x: x + 14, y: y + 9, class: 'legend' }, side.label),
      ];
    }),
    chart.metrics.map((m, row) => {
      const y0 = legendH + row * groupH;
      const max = Math.max(1, ...m.values.map((v) => v ?? 0));
      return [
        s(
          'text',
          { x: 0, y: y0 + 12, class: 'metric' },
          m.help ? [m.label, s('title', {}, m.help)] : m.label,
        ),
        m.values.map((v, i) => {
          const y = y0 + i * (barH + 3);
          const w = v === null ? 0 : Math.max(1, (v / max) * barW);
          return [
            v === null
              ? null
              : s('rect', {
                  x: labelW,
                  y,
                  width: w,
                  height: barH,
                  class: `bar ${chart.sides[i]!.tone} side-${i}`,
                }),
            s(
              'text',
              {
                x: labelW + w + 5,
                y: y + barH - 2,
                class: 'value',
                'data-testid': `${chart.id}-${chart.sides[i]!.key}-${row}`,
                'data-value': v === null ? '' : v,
              },
              fmt(v, m.unit),
            ),
          ];
        }),
      ];
    }),
  );
  fill(host, h('h3', {}, chart.title), svg, chart.note ? h('p', { class: 'muted' }, chart.note) : null);
}

/** S15's attacks as a table: target, attack, the answer it got, and whether it was refused. */
export function renderTrials(host: HTMLElement, run: RunView | undefined): void {
  const trials = trialsOf(run);
  if (!trials) {
    host.hidden = true;
    return;
  }
  host.hidden = false;
  const missed = trials.filter((t) => !t.refused).length;
  fill(
    host,
    h(
      'h3',
      {},
      `S15 — ${trials.length} attack(s) tried: `,
      h(
        'span',
        { class: missed ? 'error' : 'ok', 'data-testid': 's15-summary', 'data-missed': missed },
        missed ? `${missed} NOT refused` : 'every one refused',
      ),
    ),
    h(
      'table',
      { class: 'trials', 'data-testid': 's15-trials' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, 'side'),
          h('th', {}, 'target'),
          h('th', {}, 'attack'),
          h('th', {}, 'answer'),
          h('th', {}, ''),
        ),
      ),
      h(
        'tbody',
        {},
        trials.map((t) =>
          h(
            'tr',
            {
              class: t.refused ? 'refused' : 'not-refused',
              'data-testid': 's15-trial',
              'data-refused': String(t.refused),
            },
            h('td', {}, t.side ?? ''),
            h('td', {}, t.target),
            h('td', {}, t.attack),
            h('td', { class: 'answer' }, t.answer),
            h('td', { class: 'mark' }, t.refused ? '✓ refused' : '✕ NOT refused'),
          ),
        ),
      ),
    ),
  );
}

export interface ControlSnapshot {
  service: string;
  receiver: { mode: ReceiverMode; delay_ms?: number; status?: number; affected: number };
  senders: { name: string; paused: boolean; stats: Record<string, number> }[];
}

/** One app's switches: its receiver's fault and its senders' pause buttons. */
export function renderControl(
  host: HTMLElement,
  service: ServiceState,
  control: ControlSnapshot | undefined,
  onReceiver: (body: { mode: ReceiverMode; delay_ms?: number; status?: number }) => void,
  onSender: (name: string, paused: boolean) => void,
): void {
  // The mailbox receives mail over SMTP, not webhooks: its one switch is "SMTP down" (its receiver fault `down`).
  if (service.name === 'mailbox') {
    const down = control?.receiver.mode === 'down';
    fill(
      host,
      h(
        'h3',
        {},
        'mailbox ',
        h(
          'span',
          { class: 'muted', 'data-testid': 'smtp-state', 'data-down': String(down) },
          control ? (down ? 'SMTP: down (421)' : 'SMTP: accepting mail') : '',
        ),
      ),
      h(
        'div',
        { class: 'fault' },
        h(
          'button',
          {
            type: 'button',
            'data-testid': 'smtp-switch',
            onclick: () => onReceiver({ mode: down ? 'none' : 'down' }),
          },
          down ? 'SMTP back up' : 'SMTP down',
        ),
        h(
          'span',
          { class: 'muted' },
          down
            ? ` ${control?.receiver.affected ?? 0} connection(s) refused; senders retry`
            : ' every connection gets 421; mailto: senders retry',
        ),
      ),
    );
    return;
  }
  const select = h(
    'select',
    { name: 'mode', 'data-testid': `fault-mode-${service.name}` },
    (Object.keys(RECEIVER_LABELS) as ReceiverMode[]).map((m) =>
      h('option', { value: m, selected: control?.receiver.mode === m }, RECEIVER_LABELS[m]),
    ),
  ) as HTMLSelectElement;
  const delay = h('input', {
    name: 'delay_ms',
    type: 'number',
    min: 1,
    max: 120000,
    placeholder: 'delay ms (5000)',
    class: 'small',
  }) as HTMLInputElement;
  const status = h('input', {
    name: 'status',
    type: 'number',
    min: 400,
    max: 599,
    placeholder: 'status (503)',
    class: 'small',
  }) as HTMLInputElement;
  const form = h(
    'form',
    {
      class: 'fault',
      onsubmit: ((e: Event) => {
        e.preventDefault();
        const mode = select.value as ReceiverMode;
        onReceiver({
          mode,
          ...(mode === 'slow' && delay.value ? { delay_ms: Number(delay.value) } : {}),
          ...(mode === 'failing' && status.value ? { status: Number(status.value) } : {}),
        });
      }) as EventListener,
    },
    h('label', {}, 'Webhook receiver ', select),
    delay,
    status,
    h('button', { type: 'submit', 'data-testid': `fault-apply-${service.name}` }, 'Apply'),
  );
  fill(
    host,
    h(
      'h3',
      {},
      service.name,
      ' ',
      h('span', { class: 'muted' }, control ? `receiver: ${RECEIVER_LABELS[control.receiver.mode]}` : ''),
    ),
    form,
    (control?.senders ?? []).map((snd) =>
      h(
        'div',
        { class: 'sender' },
        `Sender “${snd.name}”: ${snd.paused ? 'paused' : 'running'}`,
        snd.stats.pending !== undefined
          ? h('span', { class: 'muted' }, ` · ${snd.stats.pending} waiting`)
          : null,
        ' ',
        h(
          'button',
          {
            type: 'button',
            'data-testid': `sender-${service.name}-${snd.name}`,
            onclick: () => onSender(snd.name, !snd.paused),
          },
          snd.paused ? 'Resume' : 'Pause',
        ),
      ),
    ),
  );
}

/** The process-wide transport faults, as `GET /api/control/transport` merges them. */
export interface TransportControl {
  broker_down: boolean;
  consumer_crashes_pending: number;
  refused_publishes: number;
  crashes: {
    at: string;
    consumer: string;
    event_type: string;
    queue: string;
    redelivered: { consumer: string; deliveries: number } | null;
  }[];
  unreachable: { name: string }[];
}

/**
 * The switches that are no app's: the topic broker (down in every process: the embedded one stops, every
 * publish fails) and the queue consumers (the next one to take a message dies without its ack).
 */
export function renderTransportControl(
  host: HTMLElement,
  control: TransportControl | undefined,
  onBroker: (down: boolean) => void,
  onCrash: (crashes: number) => void,
  onClearAll: () => void,
): void {
  const down = control?.broker_down === true;
  const armed = (control?.consumer_crashes_pending ?? 0) > 0;
  const last = control?.crashes.at(-1);
  fill(
    host,
    h(
      'div',
      { class: 'fault' },
      h(
        'button',
        { type: 'button', 'data-testid': 'clear-faults', onclick: () => onClearAll() },
        'Clear all faults',
      ),
      h('span', { class: 'muted' }, ' receivers working, senders running, no transport fault'),
    ),
    h(
      'div',
      { class: 'control', 'data-testid': 'control-transport' },
      h(
        'h3',
        {},
        'topic broker ',
        h(
          'span',
          { class: 'muted', 'data-testid': 'broker-state', 'data-down': String(down) },
          control ? (down ? 'down' : 'up') : '',
        ),
      ),
      h(
        'div',
        { class: 'fault' },
        h(
          'button',
          { type: 'button', 'data-testid': 'broker-switch', onclick: () => onBroker(!down) },
          down ? 'Topic broker back up' : 'Topic broker down',
        ),
        h(
          'span',
          { class: 'muted' },
          down
            ? ` ${control?.refused_publishes ?? 0} publish(es) refused; the outboxes retry`
            : ' every topic: publish fails (embedded broker stopped); the outboxes retry',
        ),
      ),
      h(
        'h3',
        {},
        'queue consumers ',
        h(
          'span',
          { class: 'muted', 'data-testid': 'crash-state', 'data-armed': String(armed) },
          control ? (armed ? 'crash armed' : 'running') : '',
        ),
      ),
      h(
        'div',
        { class: 'fault' },
        h(
          'button',
          { type: 'button', 'data-testid': 'crash-switch', onclick: () => onCrash(armed ? 0 : 1) },
          armed ? 'Disarm the crash' : 'Queue consumer crashes before ack',
        ),
        h(
          'span',
          { class: 'muted' },
          last
            ? ` last: ${last.consumer} crashed holding ${last.event_type}${last.redelivered ? `, redelivered to ${last.redelivered.consumer} (delivery ${last.redelivered.deliveries})` : ', waiting for redelivery'}`
            : ' the next consumer to take a message dies without acking; the queue redelivers it',
        ),
      ),
      control?.unreachable.length
        ? h('p', { class: 'muted' }, `not reached: ${control.unreachable.map((u) => u.name).join(', ')}`)
        : null,
    ),
  );
}

/** The switches flipped so far, newest first, each with what it did. */
export function renderSwitches(host: HTMLElement, switches: Switch[], hops: Hop[], now: number): void {
  const list = [...switches].sort((a, b) => b.at - a.at).slice(0, 20);
  fill(
    host,
    list.length
      ? h(
          'ul',
          { class: 'switches' },
          list.map((sw) =>
            h(
              'li',
              {
                'data-testid': 'switch',
                'data-service': sw.service,
                'data-mode': sw.mode,
                'data-open': String(sw.until === undefined),
              },
              h('strong', {}, sw.service),
              ` ${switchLabel(sw)}`,
              h('span', { class: 'muted' }, ` ${time(sw.at)}${sw.until ? `–${time(sw.until)}` : ' (on)'}`),
              h('div', { class: 'effect', 'data-testid': 'switch-effect' }, effectOf(sw, hops, now)),
            ),
          ),
        )
      : h('p', { class: 'muted' }, 'No switch flipped yet.'),
  );
}

function table(headers: Record<string, string> | undefined) {
  const entries = Object.entries(headers ?? {});
  if (!entries.length) return h('p', { class: 'muted' }, 'none recorded');
  return h(
    'table',
    { class: 'headers' },
    h(
      'tbody',
      {},
      entries.map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, v))),
    ),
  );
}

function pretty(body: string | undefined) {
  if (body === undefined) return h('p', { class: 'muted' }, 'no body recorded');
  try {
    return h('pre', {}, JSON.stringify(JSON.parse(body), null, 2));
  } catch {
    return h('pre', {}, body);
  }
}

/** Everything about one hop: both sides' records, the signature check, and "copy as curl". */
export function renderDetails(host: HTMLElement, hop: Hop | undefined, onClose: () => void): void {
  host.hidden = !hop;
  if (!hop) return;
  const req = hop.received ?? hop.sent;
  const res = hop.sent ?? hop.received;
  const curl = curlOf(hop);
  const sig = hop.signature
    ? hop.signature.verified
      ? `✓ verified${hop.signature.scheme ? ` (${hop.signature.scheme})` : ''}`
      : `✕ refused${hop.signature.reason ? `: ${hop.signature.reason}` : ''}`
    : hop.kind === 'webhook'
      ? 'not reported by the receiver'
      : 'not signed (an API call)';
  const copied = h('span', { class: 'muted', 'aria-live': 'polite' });
  const rows: [string, string | Node][] = [
    ['from → to', `${hop.from} → ${hop.to}`],
    ['kind', hop.kind],
    ['request', `${hop.method} ${hop.url}`],
    ['status', outcomeOf(hop)],
    ['started', `${new Date(hop.start).toISOString()}`],
    ['took', `${hop.durationMs.toFixed(1)} ms`],
  ];
  if (hop.eventType || hop.eventId)
    rows.push(['event', `${hop.eventType ?? ''} ${hop.eventId ?? ''}`.trim()]);
  if (hop.attempt) rows.push(['attempt', String(hop.attempt)]);
  if (hop.kind === 'webhook') rows.push(['signature', sig]);
  if (hop.fault) rows.push(['fault', `${hop.fault} (injected from the console)`]);
  if (hop.outcome)
    rows.push([
      'sender’s verdict',
      `${hop.outcome}${hop.nextAttemptAt ? `, next attempt at ${time(hop.nextAttemptAt)}` : ''}`,
    ]);
  if (hop.duplicate) rows.push(['receiver', 'had it already: duplicate suppressed']);
  if (hop.exercise) rows.push(['workshop', `ran through your code: exercise ${hop.exercise}`]);
  if (hop.error) rows.push(['error', hop.error]);
  rows.push([
    'recorded by',
    [hop.sent ? `${hop.sent.service} (sent)` : '', hop.received ? `${hop.received.service} (received)` : '']
      .filter(Boolean)
      .join(' and '),
  ]);
  if (hop.traceId) rows.push(['trace', hop.traceId]);
  fill(
    host,
    h(
      'div',
      { class: 'detail-head' },
      h('h2', {}, labelOf(hop)),
      h('button', { type: 'button', class: 'close', 'aria-label': 'Close', onclick: onClose }, '×'),
    ),
    h(
      'table',
      { class: 'summary', 'data-testid': 'hop-detail' },
      h(
        'tbody',
        {},
        rows.map(([k, v]) =>
          h(
            'tr',
            {},
            h('th', {}, k),
            h('td', { 'data-testid': `detail-${k.replaceAll(/[^a-z]+/g, '-')}` }, v),
          ),
        ),
      ),
    ),
    h(
      'p',
      {},
      h(
        'button',
        {
          type: 'button',
          'data-testid': 'copy-curl',
          onclick: () => {
            navigator.clipboard?.writeText(curl).then(
              () => fill(copied, ' copied'),
              () => fill(copied, ' select the command below and copy it'),
            );
          },
        },
        'Copy as curl',
      ),
      copied,
    ),
    h('pre', { class: 'curl', 'data-testid': 'curl' }, curl),
    h('p', { class: 'muted' }, 'Values marked [redacted] were masked by the recorder: put your own in.'),
    h('h3', {}, 'Request headers'),
    table(req?.requestHeaders),
    h('h3', {}, 'Request body'),
    pretty(req?.requestBody),
    h('h3', {}, 'Response headers'),
    table(res?.responseHeaders),
    h('h3', {}, 'Response body'),
    pretty(res?.responseBody),
  );
}
