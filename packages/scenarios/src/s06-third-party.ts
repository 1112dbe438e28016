import { WebClient } from '@slack/web-api';
import { logisticsKeys, sampleOrder, startCallbackReceiver } from './logistics-receiver.ts';
import { check, defineScenario, type ScenarioContext, waitFor } from './scenario.ts';

export interface S06Result {
  shipmentId: string;
  handshakeOrigin: string | null;
  thirdPartyEvents: string[];
  callerReceived: number;
  notifyStatus: string;
  /** What the notifier posted to #shipping for this shipment. */
  slackMessages: string[];
}

/** The notifier's dev secret for shipping results (NOTIFIER_LOGISTICS_SECRET's default). */
export const NOTIFIER_DEV_LOGISTICS_SECRET = 'whsec_aG9va2xhYi1ub3RpZmllci1sb2dpc3RpY3MtZGV2LXNlY3JldA==';

interface Recorded {
  method: string;
  url: string;
  status: number | null;
  requestHeaders: Record<string, string>;
  requestBody?: string;
}

/** What the notifier received on /webhooks/logistics (its dev-mode recorder, as the console reads it). */
async function notifierReceived(ctx: ScenarioContext): Promise<Recorded[]> {
  const res = await ctx.fetch(`${ctx.urls.notifier}/_hooklab/exchanges?limit=1000`);
  check(res.ok, `the notifier's recorder answered ${res.status} (dev mode?)`);
  const { data } = (await res.json()) as { data: (Recorded & { direction: string })[] };
  return data.filter((e) => e.direction === 'in' && new URL(e.url).pathname === '/webhooks/logistics');
}

export const s06 = defineScenario<S06Result>({
  id: 'S06',
  title: 'Results go to a third party, not the caller',
  story:
    'The caller creates a shipment whose notify_url names another service: the notifier. Before the first ' +
    'delivery, logistics asks it for consent with the CloudEvents webhook validation handshake (OPTIONS, ' +
    'WebHook-Request-Origin → WebHook-Allowed-Origin). The notifier then receives the signed results, verifies ' +
    'them with standardwebhooks and posts them to #shipping; the caller receives nothing but the 202.',
  actors: ['logistics', 'notifier', 'slack'],
  steps: [
    'Start the caller’s own receiver (it must get nothing); the third party is the notifier',
    'The caller creates a shipment with notify_url (the notifier) and notify_secret → 202',
    'Logistics asks the notifier for consent: OPTIONS with WebHook-Request-Origin',
    'The notifier receives shipment.fulfilled, tracking.updated, shipment.delivered, verified, and posts them to #shipping',
    'The caller’s receiver got nothing; the shipment says notify_status consented',
  ],
  async run(ctx) {
    const keys = logisticsKeys(ctx);
    const notifySecret = String(ctx.params.notify_secret ?? NOTIFIER_DEV_LOGISTICS_SECRET);
    const notifyUrl = `${ctx.urls.notifier}/webhooks/logistics`;
    const timeoutMs = Number(ctx.params.timeout_ms ?? 60_000);
    ctx.step(0);
    const caller = await startCallbackReceiver({ secret: keys.callbackSecret });
    try {
      ctx.say(`third party: the notifier at ${notifyUrl}; caller's receiver on ${caller.url}`);

      ctx.step(1);
      const res = await ctx.fetch(`${ctx.urls.logistics}/v1/shipments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${keys.key}`, 'content-type': 'application/json' },
        body: JSON.stringify(
          sampleOrder(`ord_s06_${Date.now().toString(36)}`, {
            callback_url: `${caller.url}/webhooks/logistics`,
            notify_url: notifyUrl,
            notify_secret: notifySecret,
          }),
        ),
      });
      check(res.status === 202, `POST /v1/shipments answered ${res.status}`, await res.clone().text());
      const shipment = (await res.json()) as { id: string; notify_status: string };
      ctx.say(`202 ${shipment.id}, notify_status ${shipment.notify_status}`);

      ctx.step(2);
      const status = async () =>
        (await (
          await ctx.fetch(`${ctx.urls.logistics}/v1/shipments/${shipment.id}?view=status`, {
            headers: { authorization: `Bearer ${keys.key}` },
          })
        ).json()) as { notify_status: string };
      const consented = await waitFor(
        async () => ((await status()).notify_status === 'consented' ? true : undefined),
        {
          what: 'the notifier’s consent',
          timeoutMs,
        },
      );
      check(consented, 'notify_status is consented');
      // Logistics remembers a consent per origin: after an earlier run there is no new handshake to see.
      const handshake = (await notifierReceived(ctx)).find((e) => e.method === 'OPTIONS' && e.status === 200);
      const origin = handshake?.requestHeaders['webhook-request-origin'] ?? null;
      ctx.say(
        handshake
          ? `OPTIONS /webhooks/logistics WebHook-Request-Origin: ${origin} → 200 WebHook-Allowed-Origin: ${origin}`
          : 'consent remembered by logistics from an earlier handshake with the notifier',
      );

      ctx.step(3);
      const mine = async () =>
        (await notifierReceived(ctx)).filter(
          (e) => e.method === 'POST' && e.requestBody?.includes(shipment.id),
        );
      const delivered = await waitFor(
        async () => {
          const got = await mine();
          return got.some((e) => e.requestBody?.includes('shipment.delivered')) ? got : undefined;
        },
        { what: 'shipment.delivered at the notifier', timeoutMs },
      );
      const refused = delivered.filter((e) => e.status !== 200);
      check(
        refused.length === 0,
        'every delivery to the notifier verified',
        refused.map((e) => e.status),
      );
      const types = delivered.map((e) => {
        try {
          return String((JSON.parse(e.requestBody ?? '{}') as { type?: string }).type);
        } catch {
          return 'unreadable';
        }
      });
      check(
        ['shipment.fulfilled', 'tracking.updated', 'shipment.delivered'].every((t) => types.includes(t)),
        'the notifier got every result',
        types,
      );
      const slack = new WebClient(String(ctx.params.slack_user_token ?? 'xoxp-hooklab'), {
        slackApiUrl: `${ctx.urls.slack}/api/`,
        retryConfig: { retries: 0 },
        fetch: ctx.fetch as typeof fetch,
      });
      const shipping = (await slack.conversations.list({ limit: 200 })).channels?.find(
        (c) => c.name === 'shipping',
      );
      check(shipping?.id, 'Slack has a #shipping channel');
      const posted = await waitFor(
        async () => {
          const h = await slack.conversations.history({ channel: shipping.id!, limit: 200 });
          const texts = (h.messages ?? []).map((m) => m.text ?? '').filter((t) => t.includes(shipment.id));
          return texts.some((t) => t.startsWith('shipment delivered')) ? texts : undefined;
        },
        { what: 'the shipping results in #shipping', timeoutMs },
      );
      for (const t of posted.slice().reverse()) ctx.say(`#shipping ← notifier: “${t}”`);

      ctx.step(4);
      const final = await status();
      check(caller.received.length === 0, 'the caller received nothing but the 202', caller.received);
      ctx.say(
        `caller's receiver: ${caller.received.length} deliveries; notify_status ${final.notify_status}`,
      );
      return {
        shipmentId: shipment.id,
        handshakeOrigin: origin,
        thirdPartyEvents: types,
        callerReceived: caller.received.length,
        notifyStatus: final.notify_status,
        slackMessages: posted,
      };
    } finally {
      await caller.close();
    }
  },
});
