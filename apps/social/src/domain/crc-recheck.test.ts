import { afterEach, describe, expect, it } from 'vitest';
import { startReceiver, testContext } from '../test-support.ts';
import { startCrcRechecks } from './crc-recheck.ts';
import { getWebhook, registerWebhook } from './webhooks.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function until<T>(probe: () => T | undefined | false, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('startCrcRechecks', () => {
  it('re-runs the CRC on its own: valid:false when the receiver stops answering right, valid:true once it does', async () => {
    const ctx = testContext({ SOCIAL_CRC_RECHECK_MS: '50' });
    const r = await startReceiver();
    cleanups.push(r.close, () => ctx.close());
    const app = { id: '28000001', consumerSecret: ctx.config.SOCIAL_DEV_CONSUMER_SECRET };
    const hook = await registerWebhook(ctx, app, r.url);
    const rechecks = startCrcRechecks(ctx);
    cleanups.unshift(() => rechecks.stop());
    r.state.crc = 'wrong';
    await until(() => getWebhook(ctx, app.id, hook.id)?.valid === false, 'the webhook to become invalid');
    r.state.crc = 'right';
    await until(() => getWebhook(ctx, app.id, hook.id)?.valid === true, 'the webhook to be valid again');
    expect(r.state.crcCalls).toBeGreaterThanOrEqual(3);
  });
});
