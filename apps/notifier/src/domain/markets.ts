// Price alerts from the ticker's WebSub deliveries: each symbol keeps the price of its last alert, and a
// change that moves the price the configured percent away from it becomes a message in #markets.
import { eq } from 'drizzle-orm';
import type { NotifierContext } from '../context.ts';
import { settings } from '../db/schema.ts';
import { escapeMrkdwn, type SlackMessage } from './messages.ts';
import { takeIn } from './notifications.ts';

/** One price change as the ticker's topic carries it (the newest, and up to 64 before it in `recent`). */
export interface PriceChange {
  seq: number;
  price: number;
  at: number;
}

/** The ticker's topic content (apps/ticker README): the quote plus its recent changes. */
export interface TopicQuote {
  symbol: string;
  name?: string;
  currency?: string;
  price: number;
  seq: number;
  updated_at_ms: number;
  recent?: PriceChange[];
}

export interface PriceAlert {
  symbol: string;
  name: string;
  currency: string;
  from: number;
  to: number;
  /** Signed percent move from `from` to `to`. */
  pct: number;
  seq: number;
  at: number;
  topic: string;
}

/** What is kept per symbol across deliveries (and restarts): the newest seq taken in, the reference price. */
interface SymbolState {
  lastSeq: number;
  ref: number;
}

/** `ACME:0.5,*:2` → a lookup of the alert threshold (percent) per symbol; `*` is every other symbol. */
export function parseAlertThresholds(spec: string): (symbol: string) => number | undefined {
  const map = new Map<string, number>();
  for (const pair of spec.split(',')) {
    const [sym, pct] = pair.split(':').map((s) => s.trim());
    if (sym && pct) map.set(sym.toUpperCase(), Number(pct));
  }
  return (symbol) => map.get(symbol.toUpperCase()) ?? map.get('*');
}

const stateKey = (symbol: string) => `market:${symbol.toUpperCase()}`;

function loadState(ctx: Pick<NotifierContext, 'db'>, symbol: string): SymbolState | undefined {
  const row = ctx.db
    .select()
    .from(settings)
    .where(eq(settings.key, stateKey(symbol)))
    .get();
  return row ? (JSON.parse(row.value) as SymbolState) : undefined;
}

function saveState(ctx: Pick<NotifierContext, 'db'>, symbol: string, state: SymbolState): void {
  const value = JSON.stringify(state);
  ctx.db
    .insert(settings)
    .values({ key: stateKey(symbol), value })
    .onConflictDoUpdate({ target: settings.key, set: { value } })
    .run();
}

/**
 * The alerts a set of changes raises from `state`: each change that moves the price at least `pct` percent
 * from the reference raises one, and becomes the new reference. Pure, so the rule is tested on its own.
 */
export function alertsFor(
  state: SymbolState,
  changes: PriceChange[],
  pct: number,
): { alerts: { from: number; to: number; pct: number; seq: number; at: number }[]; state: SymbolState } {
  const alerts: { from: number; to: number; pct: number; seq: number; at: number }[] = [];
  let { ref, lastSeq } = state;
  for (const c of [...changes].sort((a, b) => a.seq - b.seq)) {
    if (c.seq <= lastSeq) continue;
    lastSeq = c.seq;
    const move = ((c.price - ref) / ref) * 100;
    if (pct > 0 && Math.abs(move) >= pct) {
      alerts.push({ from: ref, to: c.price, pct: move, seq: c.seq, at: c.at });
      ref = c.price;
    }
  }
  return { alerts, state: { ref, lastSeq } };
}

const fmt = (n: number) => n.toFixed(2);

export function alertMessage(a: PriceAlert): SlackMessage {
  const up = a.pct > 0;
  const verb = up ? 'up' : 'down';
  const text = `${a.symbol} ${verb} ${fmt(Math.abs(a.pct))} % to ${fmt(a.to)} ${a.currency} (from ${fmt(a.from)})`;
  return {
    kind: 'markets',
    text,
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `${up ? ':chart_with_upwards_trend:' : ':chart_with_downwards_trend:'} *${escapeMrkdwn(a.symbol)}* (${escapeMrkdwn(a.name)}) is ${verb} *${fmt(Math.abs(a.pct))} %* at *${fmt(a.to)} ${escapeMrkdwn(a.currency)}*`,
        },
      },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `from ${fmt(a.from)} · change #${a.seq} · <!date^${Math.floor(a.at / 1000)}^{time_secs}|${new Date(a.at).toISOString()}> · <${a.topic}|topic>`,
          },
        ],
      },
    ],
  };
}

/**
 * Takes one verified delivery in: changes already seen (a hub retry, an older copy) are skipped, the first
 * delivery of a symbol only sets its reference price; each alert commits with its message and post job.
 * Returns the alerts raised, or null when the delivery told nothing new.
 */
export function takeInQuote(
  ctx: Pick<NotifierContext, 'sqlite' | 'db' | 'inbox' | 'jobs' | 'clock' | 'config'>,
  quote: TopicQuote,
  topic: string,
): PriceAlert[] | null {
  const symbol = quote.symbol.toUpperCase();
  const pct = parseAlertThresholds(ctx.config.NOTIFIER_MARKET_ALERTS)(symbol);
  return ctx.sqlite.transaction(() => {
    const before = loadState(ctx, symbol);
    if (before && quote.seq <= before.lastSeq) return null;
    const latest = { seq: quote.seq, price: quote.price, at: quote.updated_at_ms };
    if (!before) {
      saveState(ctx, symbol, { lastSeq: quote.seq, ref: quote.price });
      return [];
    }
    const { alerts, state } = alertsFor(before, [...(quote.recent ?? []), latest], pct ?? 0);
    saveState(ctx, symbol, state);
    const out = alerts.map((a) => ({
      ...a,
      symbol,
      name: quote.name ?? symbol,
      currency: quote.currency ?? '',
      topic,
    }));
    for (const a of out)
      takeIn(ctx, { source: 'hub', id: `${symbol}:${a.seq}`, type: 'price.alert', message: alertMessage(a) });
    return out;
  })();
}
