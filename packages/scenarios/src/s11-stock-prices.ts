import { WebClient } from '@slack/web-api';
import { check, defineScenario, type ScenarioContext, waitFor } from './scenario.ts';
import { startScenarioSubscriber } from './websub-subscriber.ts';

interface Change {
  seq: number;
  price: number;
  at: number;
}

export interface Alert {
  symbol: string;
  direction: 'above' | 'below';
  price: number;
  seq: number;
  /** When the side knew the price that crossed, minus when it changed (ms). */
  lag_ms: number;
}

export interface SideFigures {
  side: 'push' | 'poll';
  /** Polling interval (poll side only). */
  interval_ms: number | null;
  /** Polls made while measuring; for push, the subscriber's own requests (discovery, subscribe, unsubscribe). */
  requests_made: number;
  /** Polls answered 304 (or with a price already known) / deliveries whose change was already known. */
  requests_nothing_new: number;
  /** Deliveries pushed to the subscriber while measuring (they cost the subscriber no request). */
  deliveries_received: number;
  /** Distinct prices the side saw (a poller misses the ones between two polls). */
  changes_seen: number;
  /** Changes in the window the side knew (it saw them, or a newer price) before the run ended. */
  changes_known: number;
  /** Change → known, over every change in the window (ms). */
  staleness_ms: { samples: number; p50: number | null; p99: number | null; max: number | null };
  alerts: Alert[];
}

export interface S11Result {
  symbols: string[];
  duration_ms: number;
  threshold_pct: number;
  /** Price changes the ticker made in the window, from its history. */
  changes: number;
  /** Band crossings in the history up to the last change both sides know: what seeing every change would raise. */
  crossings: number;
  push: SideFigures;
  polls: SideFigures[];
  /**
   * With the notifier in the stack (subscribed to the ticker through the same hub at its start): the price
   * alerts it had posted into Slack's #markets from the window's start until its queue drained, on its own
   * thresholds (NOTIFIER_MARKET_ALERTS).
   */
  notifier?: { markets_alerts: number; latest: string | null };
}

/** The notifier's #markets alerts posted between `from` and `to` (epoch ms), or undefined without a notifier. */
async function notifierAlerts(ctx: ScenarioContext, from: number, to: number) {
  const res = await ctx.fetch(`${ctx.urls.notifier}/api/status`).catch(() => undefined);
  const status = res?.ok ? ((await res.json().catch(() => ({}))) as { feeds?: { markets?: string } }) : {};
  if (status.feeds?.markets !== 'registered') return undefined;
  // Its posts queue drained: what it took in by now is in Slack.
  await waitFor(
    async () => {
      const r = await ctx.fetch(`${ctx.urls.notifier}/api/status`);
      return ((await r.json()) as { pending_posts?: number }).pending_posts === 0 || undefined;
    },
    { what: 'the notifier’s posts to Slack', timeoutMs: 15_000 },
  );
  const slack = new WebClient(String(ctx.params.slack_user_token ?? ctx.keys.slack ?? 'xoxp-hooklab'), {
    slackApiUrl: `${ctx.urls.slack}/api/`,
    retryConfig: { retries: 0 },
    fetch: ctx.fetch as typeof fetch,
  });
  const channel = ((await slack.conversations.list({ limit: 200 })).channels ?? []).find(
    (c) => c.name === String(ctx.params.markets_channel ?? 'markets').replace(/^#/, ''),
  )?.id;
  if (!channel) return undefined;
  const h = await slack.conversations.history({
    channel,
    oldest: String(from / 1000),
    latest: String(to / 1000),
    limit: 200,
  });
  const alerts = (h.messages ?? []).filter((m) => m.bot_id);
  return { markets_alerts: alerts.length, latest: alerts[0]?.text ?? null };
}

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : null;

/** What one side learned, as it learned it: `known` steps (seq up to, when) and the prices it saw, in order. */
class Side {
  known = new Map<string, { upTo: number; at: number }[]>();
  seen = new Map<string, Change[]>();
  requests = 0;
  nothingNew = 0;
  deliveries = 0;
  alerts: Alert[] = [];
  private band = new Map<string, 'above' | 'below' | 'inside'>();

  constructor(
    readonly side: 'push' | 'poll',
    readonly intervalMs: number | null,
    private readonly thresholds: Map<string, { lower: number; upper: number }>,
  ) {}

  knownSeq(symbol: string): number {
    return this.known.get(symbol)?.at(-1)?.upTo ?? 0;
  }

  /** The side learns that `symbol` is at `latest` (with the changes before it, when it has them) at `at`. */
  learn(symbol: string, latest: Change, earlier: Change[], at: number): boolean {
    const upTo = this.knownSeq(symbol);
    if (latest.seq <= upTo) return false;
    const steps = this.known.get(symbol) ?? [];
    steps.push({ upTo: latest.seq, at });
    this.known.set(symbol, steps);
    const seen = this.seen.get(symbol) ?? [];
    for (const c of [...earlier.filter((c) => c.seq > upTo && c.seq < latest.seq), latest]) {
      seen.push(c);
      this.check(symbol, c, at);
    }
    this.seen.set(symbol, seen);
    return true;
  }

  private check(symbol: string, c: Change, at: number) {
    const t = this.thresholds.get(symbol);
    if (!t) return;
    const now = c.price >= t.upper ? 'above' : c.price <= t.lower ? 'below' : 'inside';
    const before = this.band.get(symbol) ?? 'inside';
    this.band.set(symbol, now);
    if (now !== 'inside' && now !== before)
      this.alerts.push({ symbol, direction: now, price: c.price, seq: c.seq, lag_ms: at - c.at });
  }

  figures(truth: Map<string, Change[]>): SideFigures {
    const samples: number[] = [];
    let seen = 0;
    for (const [symbol, changes] of truth) {
      const steps = this.known.get(symbol) ?? [];
      const seenSeqs = new Set((this.seen.get(symbol) ?? []).map((c) => c.seq));
      for (const c of changes) {
        if (seenSeqs.has(c.seq)) seen++;
        const step = steps.find((s) => s.upTo >= c.seq);
        if (step) samples.push(Math.max(0, step.at - c.at));
      }
    }
    samples.sort((a, b) => a - b);
    return {
      side: this.side,
      interval_ms: this.intervalMs,
      requests_made: this.requests,
      requests_nothing_new: this.nothingNew,
      deliveries_received: this.deliveries,
      changes_seen: seen,
      changes_known: samples.length,
      staleness_ms: {
        samples: samples.length,
        p50: percentile(samples, 50),
        p99: percentile(samples, 99),
        max: samples.at(-1) ?? null,
      },
      alerts: this.alerts,
    };
  }
}

async function getJson<T>(ctx: ScenarioContext, url: string): Promise<T> {
  const res = await ctx.fetch(url, { headers: { accept: 'application/json' } });
  const body = (await res.json()) as T;
  check(res.ok, `GET ${url} answered ${res.status}`, body);
  return body;
}

/** S11: the same prices learned two ways — pushed through the hub, and polled — with both sides counted. */
export const s11 = defineScenario<S11Result>({
  id: 'S11',
  title: 'Continuous updates: stock prices',
  story:
    'Prices change continuously. A subscriber is pushed every change through the hub; a poller asks ' +
    'GET /quotes/:symbol every N ms with If-None-Match. Both raise an alert when a price leaves a band around ' +
    'where it started. Each side counts the requests it made, the ones that told it nothing new, and for every ' +
    'change in the ticker’s history, how long until it knew (change → known).',
  actors: ['ticker', 'hub'],
  steps: [
    'Subscribe to each symbol’s topic through the hub (push side)',
    'Start the pollers: GET /quotes/:symbol with If-None-Match (poll side)',
    'Let the prices move; both sides raise threshold alerts',
    'Stop measuring; wait until both sides know the last change',
    'Read the ticker’s history and count, for both sides',
  ],
  async run(ctx) {
    const symbols = String(ctx.params.symbols ?? 'ACME,GLOBEX')
      .split(',')
      .map((s) => s.trim().toUpperCase())
      .filter(Boolean);
    const intervals = String(ctx.params.poll_intervals_ms ?? '1000')
      .split(',')
      .map(Number)
      .filter((n) => Number.isFinite(n) && n > 0);
    const durationMs = Number(ctx.params.duration_ms ?? 5000);
    const thresholdPct = Number(ctx.params.threshold_bps ?? 30) / 100;
    const timeoutMs = Number(ctx.params.timeout_ms ?? 30_000);
    check(symbols.length && intervals.length, 'at least one symbol and one polling interval', {
      symbols,
      intervals,
    });

    const thresholds = new Map<string, { lower: number; upper: number }>();
    const push = new Side('push', null, thresholds);
    const polls = intervals.map((ms) => new Side('poll', ms, thresholds));
    // Requests and deliveries are counted while measuring; afterwards both sides only catch up on the last change.
    let counting = false;

    ctx.step(0);
    const sub = await startScenarioSubscriber(ctx, {
      onContent: (c) => {
        const counted = counting;
        if (counted) push.deliveries++;
        const body = JSON.parse(c.text()) as {
          symbol: string;
          seq: number;
          price: number;
          updated_at_ms: number;
          recent?: Change[];
        };
        const fresh = push.learn(
          body.symbol,
          { seq: body.seq, price: body.price, at: body.updated_at_ms },
          body.recent ?? [],
          c.receivedAt,
        );
        if (!fresh && counted) push.nothingNew++;
      },
    });
    const timers = new Map<Side, NodeJS.Timeout>();
    try {
      const start = new Map<string, Change>();
      for (const symbol of symbols) {
        const q = await getJson<{ seq: number; price: number; updated_at_ms: number }>(
          ctx,
          `${ctx.urls.ticker}/quotes/${symbol}`,
        );
        start.set(symbol, { seq: q.seq, price: q.price, at: q.updated_at_ms });
        thresholds.set(symbol, {
          lower: q.price * (1 - thresholdPct / 100),
          upper: q.price * (1 + thresholdPct / 100),
        });
        // Both sides start from the same known price: older changes a delivery carries are not news.
        for (const side of [push, ...polls]) side.learn(symbol, start.get(symbol)!, [], Date.now());
      }
      const ids: string[] = [];
      for (const symbol of symbols) {
        const s = await sub.subscriber.subscribe({ topic: `${ctx.urls.ticker}/topics/${symbol}` });
        ids.push(s.id);
      }
      for (const id of ids) await sub.subscriber.until(id, ['active'], timeoutMs);
      ctx.say(
        `subscribed to ${symbols.join(', ')} through the hub; alert band ±${thresholdPct} % around the start`,
      );

      ctx.step(1);
      const etags = new Map<string, string>();
      const poll = async (side: Side, symbol: string) => {
        const key = `${side.intervalMs}:${symbol}`;
        const counted = counting;
        if (counted) side.requests++;
        const res = await ctx.fetch(`${ctx.urls.ticker}/quotes/${symbol}`, {
          headers: {
            accept: 'application/json',
            ...(etags.has(key) ? { 'if-none-match': etags.get(key)! } : {}),
          },
        });
        const at = Date.now();
        if (res.status === 304) {
          if (counted) side.nothingNew++;
          return;
        }
        const q = (await res.json()) as { seq: number; price: number; updated_at_ms: number };
        etags.set(key, res.headers.get('etag') ?? '');
        if (!side.learn(symbol, { seq: q.seq, price: q.price, at: q.updated_at_ms }, [], at) && counted)
          side.nothingNew++;
      };
      const t0 = Date.now();
      counting = true;
      for (const side of polls) {
        // Fixed-rate ticks from t0, so a slow answer does not stretch the interval.
        let n = 0;
        const tick = () => {
          for (const symbol of symbols)
            void poll(side, symbol).catch(() => (side.nothingNew += counting ? 1 : 0));
          n++;
          timers.set(side, setTimeout(tick, Math.max(0, t0 + n * side.intervalMs! - Date.now())));
        };
        tick();
      }
      ctx.say(`polling every ${intervals.join(' ms, ')} ms with If-None-Match`);

      ctx.step(2);
      await new Promise((r) => setTimeout(r, durationMs));
      const t1 = Date.now();
      counting = false;

      ctx.step(3);
      const last = new Map<string, number>();
      for (const symbol of symbols)
        last.set(symbol, (await getJson<{ seq: number }>(ctx, `${ctx.urls.ticker}/quotes/${symbol}`)).seq);
      await waitFor(
        () => [push, ...polls].every((side) => symbols.every((s) => side.knownSeq(s) >= last.get(s)!)),
        {
          timeoutMs: Math.max(timeoutMs, Math.max(...intervals) * 2 + 5000),
          what: 'both sides to know the last change',
        },
      );
      for (const t of timers.values()) clearTimeout(t);
      for (const id of ids) await sub.subscriber.unsubscribe(id);
      push.requests = sub.subscriber.stats().requests;

      ctx.step(4);
      const truth = new Map<string, Change[]>();
      let crossings = 0;
      for (const symbol of symbols) {
        const h = await getJson<{ data: Change[] }>(
          ctx,
          `${ctx.urls.ticker}/quotes/${symbol}/history?after_seq=${start.get(symbol)!.seq}&limit=10000`,
        );
        truth.set(
          symbol,
          h.data.filter((c) => c.at > t0 && c.at <= t1),
        );
        const whole = new Side('push', null, thresholds);
        for (const c of h.data) if (c.seq <= last.get(symbol)!) whole.learn(symbol, c, [], c.at);
        crossings += whole.alerts.length;
      }
      const changes = [...truth.values()].reduce((n, l) => n + l.length, 0);
      check(changes > 0, 'prices changed during the run', { durationMs });
      // Alerts are compared over the same changes: up to the last one every side knows.
      const upToLast = (f: SideFigures) => ({
        ...f,
        alerts: f.alerts.filter((a) => a.seq <= last.get(a.symbol)!),
      });
      const pushFigures = upToLast(push.figures(truth));
      const pollFigures = polls.map((p) => upToLast(p.figures(truth)));
      check(pushFigures.changes_known === changes, 'the push side knew every change', pushFigures);
      for (const f of pollFigures) {
        check(f.requests_made > 0, 'the poller made requests', f);
        check(f.changes_known === changes, 'the poller knew every change (or a newer price) in the end', f);
      }
      const line = (f: SideFigures) =>
        `${f.side === 'push' ? 'push' : `poll every ${f.interval_ms} ms`}: ${f.requests_made} requests ` +
        `(${f.requests_nothing_new} told nothing new), ${f.deliveries_received} deliveries, saw ${f.changes_seen}/${changes} changes, ` +
        `staleness p50 ${f.staleness_ms.p50} ms / p99 ${f.staleness_ms.p99} ms, ${f.alerts.length} alert(s)`;
      ctx.say(`${changes} changes in ${t1 - t0} ms; ${crossings} band crossing(s) in the history`);
      ctx.say(line(pushFigures), pushFigures);
      for (const f of pollFigures) ctx.say(line(f), f);
      const notifier = await notifierAlerts(ctx, t0, Date.now()).catch(() => undefined);
      if (notifier)
        ctx.say(
          `the notifier, subscribed through the same hub, posted ${notifier.markets_alerts} alert(s) into #markets${notifier.latest ? `, e.g. “${notifier.latest}”` : ''}`,
          notifier,
        );
      return {
        ...(notifier ? { notifier } : {}),
        symbols,
        duration_ms: t1 - t0,
        threshold_pct: thresholdPct,
        changes,
        crossings,
        push: pushFigures,
        polls: pollFigures,
      };
    } finally {
      for (const t of timers.values()) clearTimeout(t);
      await sub.close();
    }
  },
});
