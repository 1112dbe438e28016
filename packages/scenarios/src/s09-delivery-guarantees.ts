import { check, defineScenario, ScenarioFailure, waitFor } from './scenario.ts';

interface SenderStats {
  'at-most-once': { sent: number; dropped: number };
  'at-least-once': {
    pending: number;
    inFlight: number;
    delivered: number;
    dead: number;
    attempts: number;
    retried: number;
  };
}
interface ReceiverStats {
  handled: Record<string, number>;
  handlerRunsMax: number;
  refusedDuringOutage: number;
}

export interface S09Result {
  events: number;
  atMostOnce: { sent: number; dropped: number; received: number; lost: number };
  atLeastOnce: { received: number; lost: number; attempts: number; retried: number; handlerRunsMax: number };
}

/**
 * S09 runs against any sender that exposes `POST /emit {mode, count, target}` and `GET /stats`, and a
 * receiver with `POST /_control/outage {down}` and `GET /stats`: `params.sender_url` and `params.receiver_url`.
 */
export const s09 = defineScenario<S09Result>({
  id: 'S09',
  title: 'At-most-once by default, at-least-once with a durable queue',
  story:
    'A sender reports sales to a receiver. While the receiver is down, the same number of events is sent ' +
    'two ways: fire-and-forget from memory, and through an outbox written in the sale’s own transaction. ' +
    'When the receiver comes back, the first are gone and counted as dropped; the second arrive, retried ' +
    'with backoff, and the receiver’s dedupe makes each one take effect exactly once.',
  actors: [],
  steps: [
    'The receiver goes down (answers 503)',
    'Send N events at-most-once: one try each, from memory',
    'Send N events at-least-once: outbox, same transaction as the sale',
    'The receiver comes back',
    'Count what arrived: at-most-once lost them, at-least-once lost none',
  ],
  async run(ctx) {
    const sender = String(ctx.params.sender_url ?? '');
    const receiver = String(ctx.params.receiver_url ?? '');
    if (!sender || !receiver)
      throw new ScenarioFailure('S09 needs params.sender_url and params.receiver_url');
    const n = Number(ctx.params.events ?? 20);
    const post = async (url: string, body: unknown) => {
      const res = await ctx.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      check(res.ok, `POST ${url} answered ${res.status}`, await res.clone().text());
      return res.json();
    };
    const get = async <T>(url: string) => (await (await ctx.fetch(url)).json()) as T;
    const target = `${receiver}/webhooks`;

    ctx.step(0);
    await post(`${receiver}/_control/outage`, { down: true });

    ctx.step(1);
    await post(`${sender}/emit`, { mode: 'at-most-once', count: n, target });
    const afterFire = await get<SenderStats>(`${sender}/stats`);
    ctx.say(
      `at-most-once: ${afterFire['at-most-once'].dropped} of ${n} dropped by the sender`,
      afterFire['at-most-once'],
    );

    ctx.step(2);
    await post(`${sender}/emit`, { mode: 'at-least-once', count: n, target });
    await waitFor(async () => (await get<ReceiverStats>(`${receiver}/stats`)).refusedDuringOutage > n, {
      what: 'the first at-least-once attempts to be refused',
    });
    ctx.say(
      'at-least-once: first attempts refused with 503; messages stay in the outbox with a retry scheduled',
    );

    ctx.step(3);
    await post(`${receiver}/_control/outage`, { down: false });

    ctx.step(4);
    const rec = await waitFor(
      async () => {
        const s = await get<ReceiverStats>(`${receiver}/stats`);
        return (s.handled['at-least-once'] ?? 0) >= n ? s : null;
      },
      { timeoutMs: 60_000, intervalMs: 100, what: `all ${n} at-least-once events to arrive` },
    );
    const stats = await get<SenderStats>(`${sender}/stats`);
    const result: S09Result = {
      events: n,
      atMostOnce: {
        sent: stats['at-most-once'].sent,
        dropped: stats['at-most-once'].dropped,
        received: rec.handled['at-most-once'] ?? 0,
        lost: n - (rec.handled['at-most-once'] ?? 0),
      },
      atLeastOnce: {
        received: rec.handled['at-least-once'] ?? 0,
        lost: n - (rec.handled['at-least-once'] ?? 0),
        attempts: stats['at-least-once'].attempts,
        retried: stats['at-least-once'].retried,
        handlerRunsMax: rec.handlerRunsMax,
      },
    };
    ctx.say(
      `at-most-once lost ${result.atMostOnce.lost}/${n}; at-least-once lost ${result.atLeastOnce.lost}/${n} ` +
        `after ${result.atLeastOnce.attempts} attempts`,
      result,
    );
    check(result.atLeastOnce.lost === 0, 'at-least-once lost events', result);
    check(
      result.atMostOnce.dropped === n,
      'at-most-once should have dropped every event sent during the outage',
      result,
    );
    check(result.atLeastOnce.handlerRunsMax === 1, 'a handler ran more than once for one event', result);
    return result;
  },
});
