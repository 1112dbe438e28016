// The console in the browser: one EventSource on the console server (which follows every app), state
// kept here, panels redrawn once per animation frame at most.
import { buildHops, createNamer, type Hop, labelOf, type RecordedExchange } from '../domain/hops.ts';
import type { RunView, ServiceState, Snapshot } from '../domain/store.ts';
import type { Switch } from '../domain/switches.ts';
import { drawDiagram } from './diagram.ts';
import { byId, fill, h } from './dom.ts';
import {
  type Boot,
  type ControlSnapshot,
  renderComparison,
  renderControl,
  renderCounters,
  renderDetails,
  renderRun,
  renderScenarios,
  renderSwitches,
  renderTransportControl,
  renderTrials,
  type TransportControl,
} from './views.ts';

const boot = JSON.parse(byId('boot').textContent ?? '{}') as Boot;
const nameOf = createNamer(boot.urls);

const state = {
  exchanges: new Map<string, RecordedExchange>(),
  services: new Map<string, ServiceState>(),
  runs: new Map<string, RunView>(),
  switches: new Map<string, Switch>(),
  controls: new Map<string, ControlSnapshot>(),
  transport: undefined as TransportControl | undefined,
  transportAskedAt: 0,
  /** What the diagram shows: a trace id, or '' for all recent traffic. */
  trace: '' as string,
  /** Follow the newest run's trace until the person picks one. */
  follow: true,
  selectedHop: undefined as string | undefined,
  hops: [] as Hop[],
  connected: false,
  /** Recorded → on this page, in ms, for the last live exchanges (what the header reports). */
  latencies: [] as number[],
};

const LINKS: Record<string, [string, string][]> = {
  shop: [
    ['Storefront', '/'],
    ['Docs', '/docs'],
  ],
  payments: [
    ['Dashboard', '/dashboard'],
    ['Docs', '/docs'],
  ],
  logistics: [
    ['API', '/'],
    ['Docs', '/docs'],
  ],
  slack: [
    ['Workspace', '/'],
    ['Docs', '/docs'],
  ],
  notifier: [
    ['Status', '/api/status'],
    ['Docs', '/docs'],
  ],
  social: [
    ['Timeline', '/'],
    ['Docs', '/docs'],
  ],
  hub: [
    ['Subscriptions', '/'],
    ['Docs', '/docs'],
  ],
  ticker: [
    ['Prices', '/'],
    ['Docs', '/docs'],
  ],
  mailbox: [
    ['Inbox', '/'],
    ['Docs', '/docs'],
  ],
};

async function api(path: string, init?: RequestInit): Promise<unknown> {
  const res = await fetch(path, {
    ...init,
    headers: { 'content-type': 'application/json', accept: 'application/json', ...init?.headers },
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error((body as { title?: string }).title ?? `${res.status}`);
  return body;
}

function flash(text: string) {
  fill(byId('flash'), text);
  byId('flash').hidden = !text;
}

async function runScenario(id: string, params: Record<string, string | boolean>) {
  try {
    const run = (await api('/api/runs', {
      method: 'POST',
      body: JSON.stringify({ scenario: id, params }),
    })) as RunView;
    state.runs.set(run.id, run);
    state.follow = true;
    state.trace = run.traceId;
    flash('');
    schedule();
  } catch (err) {
    flash(`${id}: ${(err as Error).message}`);
  }
}

async function loadControl(service: string) {
  try {
    state.controls.set(service, (await api(`/api/control/${service}`)) as ControlSnapshot);
  } catch {
    state.controls.delete(service);
  }
  schedule();
}

async function setControl(service: string, body: unknown) {
  try {
    state.controls.set(
      service,
      (await api(`/api/control/${service}`, {
        method: 'POST',
        body: JSON.stringify(body),
      })) as ControlSnapshot,
    );
    flash('');
  } catch (err) {
    flash(`${service}: ${(err as Error).message}`);
  }
  schedule();
}

async function loadTransport() {
  state.transportAskedAt = Date.now();
  try {
    state.transport = (await api('/api/control/transport')) as TransportControl;
  } catch {
    state.transport = undefined;
  }
  schedule();
}

async function setTransport(body: { broker_down?: boolean; consumer_crashes?: number }) {
  try {
    state.transport = (await api('/api/control/transport', {
      method: 'POST',
      body: JSON.stringify(body),
    })) as TransportControl;
    flash('');
  } catch (err) {
    flash(`transport: ${(err as Error).message}`);
  }
  schedule();
}

async function clearAllFaults() {
  try {
    await api('/api/control', { method: 'DELETE' });
    flash('');
  } catch (err) {
    flash(`clear all faults: ${(err as Error).message}`);
  }
  state.controls.clear();
  controlAsked.clear();
  await loadTransport();
}

function latestRun(): RunView | undefined {
  return [...state.runs.values()].sort((a, b) => b.startedAt - a.startedAt)[0];
}

function traceOptions(): { value: string; label: string }[] {
  const runs = [...state.runs.values()].sort((a, b) => b.startedAt - a.startedAt);
  const seen = new Set(runs.map((r) => r.traceId));
  const others = new Map<string, Hop[]>();
  for (const hop of state.hops) {
    if (!hop.traceId || seen.has(hop.traceId)) continue;
    others.set(hop.traceId, [...(others.get(hop.traceId) ?? []), hop]);
  }
  const recent = [...others.entries()]
    .sort((a, b) => b[1].at(-1)!.start - a[1].at(-1)!.start)
    .slice(0, 30)
    .map(([id, hops]) => ({
      value: id,
      label: `trace ${id.slice(0, 8)}… · ${hops[0]!.from} → ${hops[0]!.to} ${labelOf(hops[0]!)} (${hops.length})`,
    }));
  return [
    { value: '', label: 'All recent traffic' },
    ...runs.map((r) => ({
      value: r.traceId,
      label: `${r.scenario} run · ${r.status} · ${new Date(r.startedAt).toLocaleTimeString()}`,
    })),
    ...recent,
  ];
}

let optionsKey = '';
function renderTraceSelect() {
  const select = byId<HTMLSelectElement>('trace-select');
  const options = traceOptions();
  const key = options.map((o) => o.value + o.label).join('|');
  if (key !== optionsKey) {
    optionsKey = key;
    fill(
      select,
      options.map((o) => h('option', { value: o.value }, o.label)),
    );
  }
  select.value = state.trace;
  const har = byId<HTMLAnchorElement>('export-har');
  const mermaid = byId<HTMLAnchorElement>('export-mermaid');
  har.hidden = mermaid.hidden = !state.trace;
  har.href = `/api/traces/${state.trace}/har`;
  mermaid.href = `/api/traces/${state.trace}/mermaid`;
}

function renderServices() {
  const host = byId('services');
  const order = Object.keys(boot.urls);
  const checkout = [...state.hops].reverse().find((x) => /\/pay\/cs_[A-Za-z0-9_]+(?:[?#]|$)/.test(x.url));
  fill(
    host,
    order.map((name) => {
      const sv = state.services.get(name);
      const status = sv?.status ?? 'unknown';
      const base = sv?.url ?? boot.urls[name]!;
      const links = name === 'console' ? [] : (LINKS[name] ?? [['Docs', '/docs']]);
      return h(
        'li',
        {
          class: `service ${status}`,
          'data-testid': `service-${name}`,
          'data-status': status,
          title: sv?.detail ?? '',
        },
        h('span', { class: 'dot', 'aria-hidden': 'true' }),
        h('strong', {}, name),
        status === 'up'
          ? null
          : h('span', { class: 'muted' }, ` ${status === 'no-recorder' ? 'no recorder' : status}`),
        status === 'up' || status === 'no-recorder'
          ? links.map(([label, path]) => [
              ' ',
              h('a', { href: `${base}${path}`, target: '_blank', rel: 'noopener' }, label),
            ])
          : null,
        name === 'payments' && checkout && status === 'up'
          ? [' ', h('a', { href: checkout.url, target: '_blank', rel: 'noopener' }, 'Hosted page')]
          : null,
      );
    }),
  );
}

const controlAsked = new Map<string, number>();
function renderTransport() {
  const t = state.transport;
  // Asked again every few seconds while a fault is on, so a crash and its redelivery show as they happen.
  const every = t && (t.broker_down || t.consumer_crashes_pending > 0) ? 2000 : 15_000;
  if (state.transportAskedAt < Date.now() - every) void loadTransport();
  const host = byId('transport-controls');
  const key = JSON.stringify(t ?? null);
  if (host.dataset.key === key) return;
  host.dataset.key = key;
  renderTransportControl(
    host,
    t,
    (down) => void setTransport({ broker_down: down }),
    (crashes) => void setTransport({ consumer_crashes: crashes }),
    () => void clearAllFaults(),
  );
}

function renderControls() {
  renderTransport();
  const host = byId('controls');
  const up = [...state.services.values()].filter((sv) => sv.status === 'up' && sv.name !== 'console');
  const now = Date.now();
  for (const sv of up) {
    // An app whose control API refuses us (not in dev mode) is asked again every few seconds, not every frame.
    if (state.controls.has(sv.name) || (controlAsked.get(sv.name) ?? 0) > now - 5000) continue;
    controlAsked.set(sv.name, now);
    void loadControl(sv.name);
  }
  const key = up.map((sv) => `${sv.name}:${JSON.stringify(state.controls.get(sv.name) ?? null)}`).join('|');
  if (host.dataset.key === key) return;
  host.dataset.key = key;
  fill(
    host,
    up.length ? null : h('p', { class: 'muted' }, 'No app is up.'),
    up.map((sv) => {
      const box = h('div', { class: 'control', 'data-testid': `control-${sv.name}` });
      renderControl(
        box,
        sv,
        state.controls.get(sv.name),
        (body) => void setControl(sv.name, { receiver: body }),
        (name, paused) => void setControl(sv.name, { sender: { name, paused } }),
      );
      return box;
    }),
  );
}

function render() {
  state.hops = buildHops(state.exchanges.values(), nameOf);
  const newest = latestRun();
  if (state.follow && newest) state.trace = newest.traceId;
  const run =
    [...state.runs.values()].find((r) => r.traceId === state.trace) ?? (state.trace ? undefined : newest);
  const traceHops = state.trace ? state.hops.filter((x) => x.traceId === state.trace) : null;
  const shown = traceHops ?? state.hops.slice(-150);

  const conn = byId('conn');
  conn.dataset.state = state.connected ? 'live' : 'offline';
  const lat = [...state.latencies].sort((a, b) => a - b);
  const p50 = lat[Math.floor(lat.length / 2)];
  if (p50 !== undefined) {
    conn.dataset.latencyP50 = String(p50);
    conn.dataset.latencyMax = String(lat.at(-1));
  }
  fill(
    conn,
    state.connected ? '● live' : '○ reconnecting…',
    p50 === undefined
      ? ''
      : ` · exchanges arrive ${p50} ms after they are recorded (median, max ${lat.at(-1)} ms)`,
  );
  renderServices();
  renderTraceSelect();
  renderRun(byId('run'), run);
  drawDiagram(byId('diagram'), shown, {
    selected: state.selectedHop,
    onSelect: (id) => {
      state.selectedHop = id;
      schedule();
    },
  });
  fill(byId('diagram-note'), shown.length ? '' : 'Nothing recorded in this trace yet.');
  renderCounters(byId('counters'), traceHops, state.hops);
  renderComparison(byId('chart'), run);
  renderTrials(byId('trials'), run);
  renderControls();
  renderSwitches(byId('switches'), [...state.switches.values()], state.hops, Date.now());
  renderDetails(
    byId('details'),
    state.hops.find((x) => x.id === state.selectedHop),
    () => {
      state.selectedHop = undefined;
      schedule();
    },
  );
}

let scheduled = false;
/** Redraws on the next animation frame: however many events arrive in between, one redraw. */
function schedule() {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(() => {
    scheduled = false;
    render();
  });
}

const KEEP = 8000;
function addExchange(e: RecordedExchange) {
  state.exchanges.set(`${e.service}/${e.id}`, e);
  // The page keeps the newest; the server keeps more, and the exports read the server's.
  if (state.exchanges.size > KEEP) state.exchanges.delete(state.exchanges.keys().next().value!);
}

function connect() {
  const es = new EventSource('/api/stream');
  es.addEventListener('open', () => {
    state.connected = true;
    schedule();
  });
  es.addEventListener('error', () => {
    state.connected = false;
    schedule();
  });
  es.addEventListener('snapshot', (ev) => {
    const snap = JSON.parse((ev as MessageEvent).data) as Snapshot;
    state.exchanges.clear();
    for (const e of snap.exchanges) addExchange(e);
    state.services = new Map(snap.services.map((sv) => [sv.name, sv]));
    for (const r of snap.runs) state.runs.set(r.id, r);
    state.switches = new Map(snap.switches.map((sw) => [sw.id, sw]));
    schedule();
  });
  es.addEventListener('exchange', (ev) => {
    const e = JSON.parse((ev as MessageEvent).data) as RecordedExchange;
    addExchange(e);
    state.latencies.push(Math.round(Date.now() - e.at));
    if (state.latencies.length > 200) state.latencies.shift();
    schedule();
  });
  es.addEventListener('service', (ev) => {
    const sv = JSON.parse((ev as MessageEvent).data) as ServiceState;
    state.services.set(sv.name, sv);
    if (sv.status !== 'up') state.controls.delete(sv.name);
    schedule();
  });
  es.addEventListener('run', (ev) => {
    const run = JSON.parse((ev as MessageEvent).data) as RunView;
    state.runs.set(run.id, run);
    schedule();
  });
  es.addEventListener('switch', (ev) => {
    const sw = JSON.parse((ev as MessageEvent).data) as Switch;
    state.switches.set(sw.id, sw);
    void loadControl(sw.service);
    schedule();
  });
}

renderScenarios(byId('scenarios'), boot.catalog, (id, params) => void runScenario(id, params));
byId<HTMLSelectElement>('trace-select').addEventListener('change', (e) => {
  state.trace = (e.target as HTMLSelectElement).value;
  state.follow = false;
  state.selectedHop = undefined;
  schedule();
});
// Effects ("delivered after 31 s") and retry times move with the clock, not only with events.
setInterval(schedule, 1000);
connect();
render();
