import type { AttemptEvent } from '@hooklab/webhooks';
import { describe, expect, it, vi } from 'vitest';
import { testContext } from '../test-support.ts';
import { lastDeliveryRecorder } from './deliveries.ts';

function setup(ids = ['a', 'b']) {
  const ctx = testContext();
  const insert = ctx.sqlite.prepare(
    `INSERT INTO subscriptions (id, callback, topic, algorithm, lease_seconds, expires_at, created_at, updated_at)
     VALUES (?, ?, 'https://topic.example/', 'sha256', 60, 0, 0, 0)`,
  );
  for (const id of ids) insert.run(id, `https://sub.example/${id}`);
  const last = (id: string) =>
    ctx.sqlite
      .prepare(
        'SELECT last_delivery_at AS at, last_delivery_status AS status, last_delivery_ok AS ok FROM subscriptions WHERE id = ?',
      )
      .get(id);
  return { ctx, last };
}

const attempt = (endpointId: string, startedAt: number, statusCode: number | null) =>
  ({
    message: { endpointId },
    attempt: { startedAt, durationMs: 5, statusCode, ok: statusCode === 204 },
  }) as unknown as AttemptEvent;

describe('last delivery per subscription', () => {
  it('writes a batch of attempts together, the latest per subscription winning', async () => {
    const { ctx, last: lastOf } = setup();
    const rec = lastDeliveryRecorder(ctx);
    rec(attempt('a', 1000, 503));
    rec(attempt('b', 1000, 204));
    rec(attempt('a', 2000, 204));
    expect(lastOf('a')).toEqual({ at: null, status: null, ok: null }); // gathered, not yet written
    await vi.waitFor(() => expect(lastOf('a')).toEqual({ at: 2005, status: 204, ok: 1 }));
    expect(lastOf('b')).toEqual({ at: 1005, status: 204, ok: 1 });
  });

  it('writes a batch larger than one statement takes, each row its own values', () => {
    const ids = Array.from({ length: 300 }, (_, i) => `s${i}`);
    const { ctx, last } = setup(ids);
    const rec = lastDeliveryRecorder(ctx);
    for (const [i, id] of ids.entries()) rec(attempt(id, i * 10, i % 3 ? 204 : 500));
    rec.flush();
    for (const [i, id] of ids.entries()) {
      expect(last(id)).toEqual({ at: i * 10 + 5, status: i % 3 ? 204 : 500, ok: i % 3 ? 1 : 0 });
    }
  });

  it('flush() writes what is gathered at once (the dispatcher stop calls it)', () => {
    const { ctx, last } = setup();
    const rec = lastDeliveryRecorder(ctx);
    rec(attempt('b', 3000, null));
    rec.flush();
    expect(last('b')).toEqual({ at: 3005, status: null, ok: 0 });
  });
});
