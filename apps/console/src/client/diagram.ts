// The live sequence diagram of one trace, drawn as SVG: every app a lifeline, every hop an arrow,
// coloured by kind; failures red and crossed, retries dashed with their attempt number.
import { foldPolls, type Hop, labelOf, lifelinesOf, outcomeOf, type Row } from '../domain/hops.ts';
import { s } from './dom.ts';

const COL = 170;
const GUTTER = 70;
const HEAD = 44;
const ROW = 34;

/** Kinds with an arrow style of their own; anything else (handshakes, WebSub verifications…) is `other`. */
const DRAWN_KINDS = new Set(['api', 'webhook', 'email', 'queue', 'topic']);

function classOf(row: Row): string {
  const h = row.hop;
  const kind = DRAWN_KINDS.has(h.kind) ? h.kind : 'other';
  const classes = ['hop', kind];
  if (h.failed) classes.push('fail');
  if ((h.attempt ?? 1) > 1) classes.push('retry');
  if (row.count > 1 && row.nothingNew === row.count - 1 && h.nothingNew) classes.push('idle');
  if (h.duplicate) classes.push('dup');
  if (h.exercise) classes.push('exercise');
  return classes.join(' ');
}

function text(row: Row): string {
  const h = row.hop;
  let label = labelOf(h);
  if (row.count > 1)
    label += ` ×${row.count}${row.nothingNew ? ` (${row.nothingNew} told nothing new)` : ''}`;
  if ((h.attempt ?? 1) > 1) label += ` · attempt ${h.attempt}`;
  // Workshop: this hop ran through an attendee's code (pnpm dev --exercise NN).
  if (h.exercise) label = `✎${h.exercise} ${label}`;
  return label;
}

/** The answer under an arrow, with the attempt number of a retry (the label may be cut short). */
const outcome = (h: Hop) => `${outcomeOf(h)}${(h.attempt ?? 1) > 1 ? ` · attempt ${h.attempt}` : ''}`;

const pathOf = (url: string) => {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
};

const fit = (t: string, px: number) => {
  const max = Math.max(8, Math.floor(px / 6.3));
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
};

/** Draws the trace's hops into `host`; `onSelect` gets a hop's id when its arrow is clicked. */
export function drawDiagram(
  host: Element,
  hops: Hop[],
  opts: { selected?: string; onSelect: (id: string) => void },
): void {
  const names = lifelinesOf(hops);
  const rows = foldPolls(hops);
  const width = GUTTER + Math.max(names.length, 2) * COL;
  const height = HEAD + rows.length * ROW + 24;
  const x = (name: string) => GUTTER + names.indexOf(name) * COL + COL / 2;
  const t0 = hops[0]?.start ?? 0;

  const svg = s('svg', {
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: 'img',
    'aria-label': `Sequence diagram: ${rows.length} rows between ${names.join(', ')}`,
    'data-testid': 'diagram',
  });
  const defs = s('defs');
  for (const k of [...DRAWN_KINDS, 'other', 'fail', 'retry', 'idle'])
    defs.append(
      s(
        'marker',
        {
          id: `arrow-${k}`,
          viewBox: '0 0 10 10',
          refX: 9,
          refY: 5,
          markerWidth: 7,
          markerHeight: 7,
          orient: 'auto-start-reverse',
        },
        s('path', { d: 'M0,0 L10,5 L0,10 z', class: `head ${k}` }),
      ),
    );
  svg.append(defs);

  for (const name of names) {
    const cx = x(name);
    svg.append(
      s('line', { x1: cx, y1: HEAD - 8, x2: cx, y2: height - 8, class: 'lifeline' }),
      s('rect', { x: cx - 62, y: 6, width: 124, height: 26, rx: 5, class: 'actor' }),
      s('text', { x: cx, y: 23, class: 'actor-name', 'text-anchor': 'middle' }, name),
    );
  }

  rows.forEach((row, i) => {
    const h = row.hop;
    const y = HEAD + i * ROW + 20;
    const x1 = x(h.from);
    const x2 = x(h.to);
    const cls = classOf(row);
    const marker = cls.includes('fail')
      ? 'fail'
      : cls.includes('retry')
        ? 'retry'
        : cls.includes('idle')
          ? 'idle'
          : cls.split(' ')[1]!;
    const g = s('g', {
      class: `${cls}${opts.selected === h.id ? ' selected' : ''}`,
      tabindex: 0,
      role: 'button',
      'data-testid': 'hop',
      'data-hop-id': h.id,
      'data-from': h.from,
      'data-to': h.to,
      'data-kind': h.kind,
      'data-method': h.method,
      'data-path': pathOf(h.url),
      'data-status': h.status ?? 'none',
      'data-attempt': h.attempt ?? '',
      'data-event-type': h.eventType ?? '',
      'data-count': row.count,
      'data-exercise': h.exercise ?? '',
      onclick: () => opts.onSelect(h.id),
      onkeydown: ((e: KeyboardEvent) => {
        if (e.key === 'Enter' || e.key === ' ') opts.onSelect(h.id);
      }) as EventListener,
    });
    const label = text(row);
    g.append(
      s(
        'title',
        {},
        `${label}\n${outcomeOf(h)}${h.fault ? `\nfault: ${h.fault}` : ''}${h.exercise ? `\nyour code: exercise ${h.exercise}` : ''}`,
      ),
    );
    g.append(s('rect', { x: 0, y: y - 16, width, height: ROW - 4, class: 'hit' }));
    g.append(
      s('text', { x: 6, y: y + 4, class: 'time' }, `+${((row.first.start - t0) / 1000).toFixed(2)} s`),
    );
    if (x1 === x2) {
      g.append(
        s('path', {
          d: `M${x1},${y - 6} h36 v12 h-34`,
          class: 'arrow',
          'marker-end': `url(#arrow-${marker})`,
        }),
        s('text', { x: x1 + 42, y: y - 2, class: 'label' }, fit(label, COL)),
        s('text', { x: x1 + 42, y: y + 11, class: 'outcome' }, outcome(h)),
      );
    } else {
      const span = Math.abs(x2 - x1);
      const mid = (x1 + x2) / 2;
      g.append(
        s('line', {
          x1,
          y1: y,
          x2: x2 + (x2 > x1 ? -2 : 2),
          y2: y,
          class: 'arrow',
          'marker-end': `url(#arrow-${marker})`,
        }),
        s('text', { x: mid, y: y - 5, class: 'label', 'text-anchor': 'middle' }, fit(label, span - 8)),
        s(
          'text',
          {
            x: x2 + (x2 > x1 ? -8 : 8),
            y: y + 12,
            class: 'outcome',
            'text-anchor': x2 > x1 ? 'end' : 'start',
          },
          outcome(h),
        ),
      );
      if (h.failed)
        g.append(
          s('text', { x: x2 + (x2 > x1 ? -4 : 4), y: y + 4, class: 'cross', 'text-anchor': 'middle' }, '✕'),
        );
    }
    svg.append(g);
  });
  host.replaceChildren(svg);
}
