// The whole app over the network, dispatcher included: post → rule match → signed delivery, retries,
// and a webhook that fails its CRC getting nothing.
import { appControl, type RunningApp } from '@hooklab/service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start } from './main.ts';
import { appAuth, json, startReceiver, userAuth } from './test-support.ts';

let app: RunningApp;
beforeAll(async () => {
  app = await start({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    HOOKLAB_DEV: '1',
    DATA_DIR: ':memory:',
    SOCIAL_CRC_RECHECK_MS: '0',
  });
});
afterAll(async () => {
  await app?.close();
});

const call = async (path: string, init: RequestInit = {}) => {
  const res = await fetch(`${app.url}${path}`, init);
  return { status: res.status, body: await res.json() };
};
const post = async (text: string) =>
  (await call('/2/tweets', json({ text }, userAuth))).body.data as { id: string };
async function until<T>(probe: () => T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('deliveries', () => {
  it('delivers a matching post signed, with matching_rules, and never a post that does not match', async () => {
    const r = await startReceiver();
    try {
      const hook = await call('/2/webhooks', json({ url: r.url }));
      expect(hook.status).toBe(200);
      const rules = await call(
        '/2/tweets/search/stream/rules',
        json({ add: [{ value: '#dresses -sale', tag: 'dresses' }] }),
      );
      const ruleId = rules.body.data[0].id;
      const miss = await post('Big #dresses sale today');
      const plain = await post('Just coffee');
      const hit = await post('New #Dresses in linen');
      const first = await until(() => r.received[0], 'the matching post');
      // The witness: the first (and only) delivery is the later, matching post.
      expect(first.json.data).toMatchObject({
        id: hit.id,
        text: 'New #Dresses in linen',
        author_id: '1000000000000000001',
      });
      expect(first.json.matching_rules).toEqual([{ id: ruleId, tag: 'dresses' }]);
      expect(first.verified).toBe(true);
      expect(r.received.map((d) => d.json.data.id)).not.toContain(miss.id);
      expect(r.received.map((d) => d.json.data.id)).not.toContain(plain.id);
      await call(`/2/webhooks/${hook.body.data.id}`, { method: 'DELETE', headers: appAuth });
      await call('/2/tweets/search/stream/rules', json({ delete: { ids: [ruleId] } }));
    } finally {
      await r.close();
    }
  });

  it('retries a delivery the receiver failed, and the retry is signed afresh and verifies', async () => {
    const r = await startReceiver({ status: 500 });
    try {
      const hook = await call('/2/webhooks', json({ url: r.url }));
      const rules = await call('/2/tweets/search/stream/rules', json({ add: [{ value: '#retry' }] }));
      const p = await post('#retry me');
      await until(() => r.received[0], 'the first attempt');
      r.state.status = 200;
      await until(() => r.received[1], 'the retry');
      expect(r.received.map((d) => [d.json.data.id, d.verified])).toEqual([
        [p.id, true],
        [p.id, true],
      ]);
      await call(`/2/webhooks/${hook.body.data.id}`, { method: 'DELETE', headers: appAuth });
      await call('/2/tweets/search/stream/rules', json({ delete: { ids: [rules.body.data[0].id] } }));
    } finally {
      await r.close();
    }
  });

  it('sends nothing to a webhook that failed its CRC re-check, while a valid one gets the post', async () => {
    const bad = await startReceiver();
    const good = await startReceiver();
    try {
      const badHook = await call('/2/webhooks', json({ url: bad.url }));
      await call('/2/webhooks', json({ url: good.url }));
      await call('/2/tweets/search/stream/rules', json({ add: [{ value: '#both' }] }));
      bad.state.crc = 'wrong';
      expect(
        (await call(`/2/webhooks/${badHook.body.data.id}`, { method: 'PUT', headers: appAuth })).status,
      ).toBe(400);
      const p = await post('#both of you');
      const d = await until(() => good.received[0], 'the delivery to the valid webhook');
      expect(d.json.data.id).toBe(p.id);
      // Re-validated, it gets the next post (and that post proves the first one was never queued for it).
      bad.state.crc = 'right';
      expect(
        (await call(`/2/webhooks/${badHook.body.data.id}`, { method: 'PUT', headers: appAuth })).status,
      ).toBe(200);
      const next = await post('#both again');
      const first = await until(() => bad.received[0], 'the delivery after re-validation');
      expect(first.json.data.id).toBe(next.id);
    } finally {
      await bad.close();
      await good.close();
    }
  });

  it('holds back a delivery queued before its webhook failed the CRC: it never arrives, later ones do once valid', async () => {
    const r = await startReceiver();
    const witness = await startReceiver();
    const control = appControl(app.recorder);
    try {
      const hook = await call('/2/webhooks', json({ url: r.url }));
      await call('/2/webhooks', json({ url: witness.url }));
      await call('/2/tweets/search/stream/rules', json({ add: [{ value: '#queued' }] }));
      await control.setSender('outbox', true);
      const queued = await post('#queued while paused');
      r.state.crc = 'wrong';
      expect(
        (await call(`/2/webhooks/${hook.body.data.id}`, { method: 'PUT', headers: appAuth })).status,
      ).toBe(400);
      await control.setSender('outbox', false);
      // The witness gets the queued post: the dispatcher has handled it by then.
      expect((await until(() => witness.received[0], 'the witness delivery')).json.data.id).toBe(queued.id);
      r.state.crc = 'right';
      expect(
        (await call(`/2/webhooks/${hook.body.data.id}`, { method: 'PUT', headers: appAuth })).status,
      ).toBe(200);
      const next = await post('#queued again');
      expect((await until(() => r.received[0], 'the delivery after re-validation')).json.data.id).toBe(
        next.id,
      );
    } finally {
      await control.setSender('outbox', false);
      await r.close();
      await witness.close();
    }
  });
});
