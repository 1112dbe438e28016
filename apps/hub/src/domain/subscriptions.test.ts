import { describe, expect, it } from 'vitest';
import { verifications } from '../db/schema.ts';
import { testConfig, testContext } from '../test-support.ts';
import { clampLease } from './requests.ts';
import { KEEP_VERIFICATIONS, verificationUrl, verifyIntent } from './subscriptions.ts';

describe('verification of intent', () => {
  it('keeps the callback’s query and appends the hub’s parameters', () => {
    expect(
      verificationUrl('https://s.example/cb?a=1&b=two', {
        'hub.mode': 'subscribe',
        'hub.topic': 'https://t.example/x?y=1',
      }),
    ).toBe('https://s.example/cb?a=1&b=two&hub.mode=subscribe&hub.topic=https%3A%2F%2Ft.example%2Fx%3Fy%3D1');
  });

  it('clamps leases to the configured bounds', () => {
    const config = testConfig({
      HUB_LEASE_MIN_SECONDS: '10',
      HUB_LEASE_MAX_SECONDS: '100',
      HUB_LEASE_DEFAULT_SECONDS: '50',
    });
    expect([
      clampLease(config, 1),
      clampLease(config, 1000),
      clampLease(config, null),
      clampLease(config, 42),
    ]).toEqual([10, 100, 50, 42]);
  });

  it(`keeps the last ${KEEP_VERIFICATIONS} outcomes for the page`, async () => {
    const ctx = testContext();
    const rows = Array.from({ length: KEEP_VERIFICATIONS + 20 }, (_, i) => ({
      id: `ver_${i}`,
      callback: 'https://s.example/cb',
      topic: 'https://t.example/x',
      mode: 'subscribe',
      outcome: 'refused' as const,
      detail: null,
      at: i,
    }));
    ctx.db.insert(verifications).values(rows).run();
    // An intent whose callback cannot be reached still records its outcome, and prunes the oldest.
    ctx.sqlite
      .prepare(
        `INSERT INTO intents (id, callback, topic, mode, algorithm, lease_seconds, revision, created_at)
         VALUES ('int_x', 'http://10.0.0.1/cb', 'https://t.example/x', 'subscribe', 'sha256', 60, 1, 0)`,
      )
      .run();
    const step = await verifyIntent(ctx, 'int_x');
    ctx.sqlite.transaction(() => step!(Date.now()))();
    const kept = ctx.db.select().from(verifications).all();
    expect(kept).toHaveLength(KEEP_VERIFICATIONS);
    expect(kept.find((v) => v.callback === 'http://10.0.0.1/cb')).toMatchObject({ outcome: 'unreachable' });
    expect(kept.find((v) => v.id === 'ver_0')).toBeUndefined();
  });
});
