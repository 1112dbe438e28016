import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { paymentsKeys, stripeFor } from './payments-client.ts';
import { check, defineScenario, type ScenarioContext, waitFor } from './scenario.ts';

interface Received {
  path: string;
  accepted: boolean;
  reason?: string;
  event?: Stripe.Event;
}

const objectIdOf = (r: Received) => (r.event?.data.object as { id?: string } | undefined)?.id;

export interface S03Result {
  endpointId: string;
  delivered: number;
  refused: { kind: string; status: number; reason: string }[];
  disabledReceived: number;
}

/** The shop's side of S03: a receiver that verifies `Stripe-Signature` with the official SDK on the raw body. */
async function startShopReceiver(secrets: Map<string, string>) {
  const verifier = new Stripe('sk_test_unused', { telemetry: false });
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const body = Buffer.concat(chunks);
      try {
        const event = verifier.webhooks.constructEvent(
          body,
          String(req.headers['stripe-signature'] ?? ''),
          secrets.get(path) ?? '',
        );
        received.push({ path, accepted: true, event });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
      } catch (err) {
        const reason = err instanceof Error ? err.message.split('\n')[0]! : String(err);
        received.push({ path, accepted: false, reason });
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: reason }));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

export const s03 = defineScenario<S03Result>({
  id: 'S03',
  title: 'Registering a callback URL',
  story:
    'The shop registers its webhook URL with the payment provider and receives the signing secret, once. ' +
    'Each event is delivered signed (Stripe-Signature), and the shop verifies it with the official stripe SDK on ' +
    'the raw body. Tampered, stale and wrongly signed deliveries are refused. The shop lists its endpoints, ' +
    'disables one (it gets nothing more), and deletes them.',
  actors: ['payments'],
  steps: [
    'Shop starts its receiver and registers POST /v1/webhook_endpoints {url, enabled_events}; the secret comes once',
    'A payment succeeds; the signed payment_intent.succeeded arrives and constructEvent accepts it',
    'Forged deliveries — tampered body, stale timestamp, wrong secret — are refused by the SDK',
    'Shop lists its endpoints and disables one: the next payment reaches only the enabled endpoint',
    'Shop deletes its endpoints',
  ],
  async run(ctx: ScenarioContext) {
    const stripe = stripeFor(ctx, paymentsKeys(ctx).secret);
    const secrets = new Map<string, string>();
    const receiver = await startShopReceiver(secrets);
    const refused: S03Result['refused'] = [];
    try {
      ctx.step(0);
      const endpoint = await stripe.webhookEndpoints.create({
        url: `${receiver.base}/webhooks/stripe`,
        enabled_events: ['payment_intent.succeeded', 'payment_intent.payment_failed'],
        description: 'Atelier (S03)',
      });
      check(
        endpoint.secret?.startsWith('whsec_'),
        'the create response carries the signing secret',
        endpoint,
      );
      secrets.set('/webhooks/stripe', endpoint.secret!);
      const again = await stripe.webhookEndpoints.retrieve(endpoint.id);
      check(again.secret === undefined, 'the secret is never shown again', again);
      ctx.say(
        `registered ${endpoint.id} → ${endpoint.url} for ${endpoint.enabled_events.join(', ')}; secret ${endpoint.secret!.slice(0, 10)}… (shown once)`,
      );

      ctx.step(1);
      const pi = await stripe.paymentIntents.create({
        amount: 12900,
        currency: 'eur',
        confirm: true,
        payment_method: 'pm_card_visa',
      });
      const delivery = await waitFor(
        () => receiver.received.find((r) => r.accepted && objectIdOf(r) === pi.id),
        { what: 'payment_intent.succeeded at the shop', timeoutMs: 10_000 },
      );
      check(
        delivery.event?.type === 'payment_intent.succeeded',
        'the verified event is payment_intent.succeeded',
        delivery.event,
      );
      ctx.say(
        `received ${delivery.event!.id} (${delivery.event!.type}) for ${pi.id}: signature verified by stripe.webhooks.constructEvent`,
      );

      ctx.step(2);
      const body = JSON.stringify(delivery.event);
      const now = Math.floor(Date.now() / 1000);
      const header = (payload: string, secret: string, timestamp = now) =>
        stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
      const tampered = body.replace('"amount":12900', '"amount":1');
      const forgeries: [string, string, string][] = [
        ['tampered body', tampered, header(body, endpoint.secret!)],
        ['stale timestamp (10 min old)', body, header(body, endpoint.secret!, now - 600)],
        ['wrong secret', body, header(body, 'whsec_not_the_shops_secret')],
        ['no signature', body, ''],
      ];
      for (const [kind, payload, signature] of forgeries) {
        const res = await ctx.fetch(`${receiver.base}/webhooks/stripe`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(signature ? { 'stripe-signature': signature } : {}),
          },
          body: payload,
        });
        const answer = (await res.json()) as { error?: string };
        check(res.status === 400, `${kind}: refused with 400`, answer);
        refused.push({ kind, status: res.status, reason: answer.error ?? '' });
        ctx.say(`${kind} → ${res.status}: ${answer.error}`);
      }

      ctx.step(3);
      const list = await stripe.webhookEndpoints.list({ limit: 100 });
      check(
        list.data.some((e) => e.id === endpoint.id),
        'the endpoint is listed',
        list,
      );
      const disabled = await stripe.webhookEndpoints.update(endpoint.id, { disabled: true });
      check(disabled.status === 'disabled', 'the endpoint is disabled', disabled);
      const control = await stripe.webhookEndpoints.create({
        url: `${receiver.base}/webhooks/control`,
        enabled_events: ['payment_intent.succeeded'],
      });
      secrets.set('/webhooks/control', control.secret!);
      ctx.say(`disabled ${endpoint.id}; registered a second, enabled endpoint ${control.id} as a witness`);
      const pi2 = await stripe.paymentIntents.create({
        amount: 8900,
        currency: 'eur',
        confirm: true,
        payment_method: 'pm_card_visa',
      });
      const aboutPi2 = (r: Received) => objectIdOf(r) === pi2.id;
      await waitFor(
        () => receiver.received.find((r) => r.path === '/webhooks/control' && r.accepted && aboutPi2(r)),
        { what: 'the witness delivery', timeoutMs: 10_000 },
      );
      const disabledReceived = receiver.received.filter(
        (r) => r.path === '/webhooks/stripe' && aboutPi2(r),
      ).length;
      check(disabledReceived === 0, 'the disabled endpoint received nothing', receiver.received);
      ctx.say(
        `payment ${pi2.id}: the witness got payment_intent.succeeded, the disabled endpoint got nothing`,
      );

      ctx.step(4);
      for (const id of [endpoint.id, control.id]) {
        const deleted = await stripe.webhookEndpoints.del(id);
        check(deleted.deleted === true, `${id} deleted`, deleted);
      }
      const after = await stripe.webhookEndpoints.list({ limit: 100 });
      check(
        !after.data.some((e) => e.id === endpoint.id || e.id === control.id),
        'deleted endpoints are no longer listed',
        after,
      );
      ctx.say(`deleted ${endpoint.id} and ${control.id}`);

      return {
        endpointId: endpoint.id,
        delivered: receiver.received.filter((r) => r.accepted).length,
        refused,
        disabledReceived,
      };
    } finally {
      await receiver.close();
    }
  },
});
