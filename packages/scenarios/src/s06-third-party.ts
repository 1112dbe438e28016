import { randomBytes } from 'node:crypto';
import { logisticsKeys, sampleOrder, startCallbackReceiver } from './logistics-receiver.ts';
import { check, defineScenario, waitFor } from './scenario.ts';

export interface S06Result {
  shipmentId: string;
  handshakeOrigin: string | null;
  thirdPartyEvents: string[];
  callerReceived: number;
  notifyStatus: string;
}

export const s06 = defineScenario<S06Result>({
  id: 'S06',
  title: 'Results go to a third party, not the caller',
  story:
    'The shop creates a shipment whose notify_url names another service (the notifier, here a stand-in the ' +
    'scenario starts). Before the first delivery, logistics asks that service for consent with the CloudEvents ' +
    'webhook validation handshake (OPTIONS, WebHook-Request-Origin → WebHook-Allowed-Origin). The third party then ' +
    'receives the signed results and verifies them; the shop, the caller, receives nothing but the 202.',
  actors: ['logistics'],
  steps: [
    'Start the third party (answers the handshake, verifies with standardwebhooks) and the caller’s own receiver',
    'The caller creates a shipment with notify_url and notify_secret → 202',
    'Logistics asks the third party for consent: OPTIONS with WebHook-Request-Origin',
    'The third party receives shipment.fulfilled, tracking.updated, shipment.delivered, verified',
    'The caller’s receiver got nothing; the shipment says notify_status consented',
  ],
  async run(ctx) {
    const keys = logisticsKeys(ctx);
    const notifySecret = `whsec_${randomBytes(32).toString('base64')}`;
    ctx.step(0);
    const third = await startCallbackReceiver({ secret: notifySecret, allowOrigin: 'echo' });
    const caller = await startCallbackReceiver({ secret: keys.callbackSecret });
    try {
      ctx.say(`third party on ${third.url}, caller's receiver on ${caller.url}`);

      ctx.step(1);
      const res = await ctx.fetch(`${ctx.urls.logistics}/v1/shipments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${keys.key}`, 'content-type': 'application/json' },
        body: JSON.stringify(
          sampleOrder(`ord_s06_${Date.now().toString(36)}`, {
            callback_url: `${caller.url}/webhooks/logistics`,
            notify_url: `${third.url}/hooks/logistics`,
            notify_secret: notifySecret,
          }),
        ),
      });
      check(res.status === 202, `POST /v1/shipments answered ${res.status}`, await res.clone().text());
      const shipment = (await res.json()) as { id: string; notify_status: string };
      ctx.say(`202 ${shipment.id}, notify_status ${shipment.notify_status}`);

      ctx.step(2);
      const handshake = await waitFor(() => third.received.find((d) => d.method === 'OPTIONS'), {
        what: 'the OPTIONS handshake',
        timeoutMs: 30_000,
      });
      const origin = handshake.headers['webhook-request-origin'] ?? null;
      check(origin, 'the handshake names the sender in WebHook-Request-Origin', handshake.headers);
      ctx.say(
        `OPTIONS ${handshake.path} WebHook-Request-Origin: ${origin} → 200 WebHook-Allowed-Origin: ${origin}`,
      );

      ctx.step(3);
      await waitFor(() => third.events('shipment.delivered')[0], {
        what: 'shipment.delivered at the third party',
        timeoutMs: 60_000,
      });
      const refused = third.received.filter((d) => d.method === 'POST' && !d.event);
      check(refused.length === 0, 'every delivery to the third party verified', refused);
      const types = third.events().map((e) => e.type);
      check(
        ['shipment.fulfilled', 'tracking.updated', 'shipment.delivered'].every((t) => types.includes(t)),
        'the third party got every result',
        types,
      );
      for (const e of third.events()) ctx.say(`third party ← ${e.type} (signature verified)`, e.data);

      ctx.step(4);
      const status = (await (
        await ctx.fetch(`${ctx.urls.logistics}/v1/shipments/${shipment.id}?view=status`, {
          headers: { authorization: `Bearer ${keys.key}` },
        })
      ).json()) as { notify_status: string };
      check(caller.received.length === 0, 'the caller received nothing but the 202', caller.received);
      check(status.notify_status === 'consented', 'notify_status is consented', status);
      ctx.say(
        `caller's receiver: ${caller.received.length} deliveries; notify_status ${status.notify_status}`,
      );
      return {
        shipmentId: shipment.id,
        handshakeOrigin: origin,
        thirdPartyEvents: types,
        callerReceived: caller.received.length,
        notifyStatus: status.notify_status,
      };
    } finally {
      await third.close();
      await caller.close();
    }
  },
});
