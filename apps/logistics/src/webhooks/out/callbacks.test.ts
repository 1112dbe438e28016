import { afterEach, describe, expect, it } from 'vitest';
import {
  auth,
  createTestLogistics,
  json,
  order,
  type Receiver,
  startReceiver,
  until,
} from '../../test-support.ts';

const NOTIFY_SECRET = 'whsec_dGhpcmQtcGFydHktbm90aWZpZXItc2VjcmV0LWZvci10ZXN0cw==';
const ORIGIN = 'logistics.hooklab.localhost';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function receiver(respond?: Parameters<typeof startReceiver>[0]) {
  const r = await startReceiver(respond);
  cleanups.push(() => r.close());
  return r;
}

/** A third party that answers the CloudEvents handshake with `allowedOrigin` (or refuses). */
const thirdParty = (allowedOrigin: string | null) =>
  receiver((req, res) => {
    if (req.method === 'OPTIONS') {
      const headers: Record<string, string> = { allow: 'POST' };
      if (allowedOrigin)
        headers['webhook-allowed-origin'] =
          allowedOrigin === 'echo' ? req.headers['webhook-request-origin']! : allowedOrigin;
      res.writeHead(200, headers).end();
    } else res.writeHead(204).end();
  });

async function setup(callerUrl: string) {
  const t = createTestLogistics({ env: { LOGISTICS_DEV_CALLBACK_URL: callerUrl } });
  cleanups.push(() => t.close());
  await t.startWorkers();
  return t;
}

const status = async (t: Awaited<ReturnType<typeof setup>>, id: string) =>
  (await t.app.request(`/v1/shipments/${id}?view=status`, { headers: auth() })).json();

describe('notify_url: results to a third party (S06)', () => {
  it('runs the CloudEvents handshake, then sends signed results only to the third party', async () => {
    const caller: Receiver = await receiver();
    const third = await thirdParty('echo');
    const t = await setup(`${caller.url}/default`);
    const res = await t.app.request(
      '/v1/shipments',
      json(
        order({
          callback_url: `${caller.url}/own`,
          notify_url: `${third.url}/hooks/logistics`,
          notify_secret: NOTIFY_SECRET,
        }),
      ),
    );
    expect(res.status).toBe(202);
    const { id } = await res.json();
    const events = await third.nextEvents(3, NOTIFY_SECRET);
    expect(events.map((e) => e.type)).toEqual([
      'shipment.fulfilled',
      'tracking.updated',
      'shipment.delivered',
    ]);
    const handshake = third.requests[0]!;
    expect(handshake.method).toBe('OPTIONS');
    expect(handshake.headers['webhook-request-origin']).toBe(ORIGIN);
    expect(handshake.headers['webhook-request-rate']).toBe('120');
    expect(third.requests.filter((r) => r.method === 'OPTIONS')).toHaveLength(1);
    // The witness: every callback is written to the outbox with its step, so all of them are there by now.
    expect(new Set(t.outboxMessages().map((m) => m.url))).toEqual(new Set([`${third.url}/hooks/logistics`]));
    expect(caller.requests).toHaveLength(0);
    expect((await status(t, id)).notify_status).toBe('consented');

    // Consent is remembered per origin: a second shipment sends no new OPTIONS.
    await t.app.request(
      '/v1/shipments',
      json(order({ notify_url: `${third.url}/hooks/logistics`, notify_secret: NOTIFY_SECRET })),
    );
    await third.nextEvents(6, NOTIFY_SECRET);
    // A second handshake would have come before the second shipment's first event.
    expect(third.requests.filter((r) => r.method === 'OPTIONS')).toHaveLength(1);
    expect(t.outboxMessages().filter((m) => !m.url.startsWith(third.url))).toEqual([]);
  });

  it('accepts WebHook-Allowed-Origin: * and sends unsigned when no notify_secret is given', async () => {
    const third = await thirdParty('*');
    const caller = await receiver();
    const t = await setup(`${caller.url}/default`);
    await t.app.request('/v1/shipments', json(order({ notify_url: `${third.url}/n` })));
    await third.arrival((all) => all.filter((r) => r.method === 'POST').length >= 3);
    const post = third.requests.find((r) => r.method === 'POST')!;
    expect(post.headers['webhook-signature']).toBeUndefined();
    expect(JSON.parse(post.body).type).toBe('shipment.fulfilled');
  });

  it('records notify_status refused and sends nothing without consent', async () => {
    for (const answer of [null, 'someone-else.example']) {
      const third = await thirdParty(answer);
      const caller = await receiver();
      const t = await setup(`${caller.url}/default`);
      const { id } = await (
        await t.app.request('/v1/shipments', json(order({ notify_url: `${third.url}/n` })))
      ).json();
      await until(async () => (await status(t, id)).status === 'delivered');
      expect((await status(t, id)).notify_status).toBe('refused');
      // Delivered commits with the outbox rows of its events: none were written, so none can come later.
      expect(t.outboxMessages()).toEqual([]);
      expect(third.requests.map((r) => r.method)).toEqual(['OPTIONS']);
      expect(caller.requests).toHaveLength(0);
    }
  });
});
