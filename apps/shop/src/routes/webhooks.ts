import { ApiError, noteSignature, type ServiceEnv } from '@hooklab/service';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import Stripe from 'stripe';
import { preciseNow } from '../domain/confirmations.ts';
import { handleLogisticsCallback, logisticsCallbackSchema } from '../logistics/callbacks.ts';
import { handleStripeEvent } from '../payments/stripe-events.ts';
import type { ShopServices } from '../shop.ts';

const WEBHOOK_MAX_BYTES = 512 * 1024;

const limit = bodyLimit({
  maxSize: WEBHOOK_MAX_BYTES,
  onError: () => {
    throw new ApiError({
      status: 413,
      code: 'payload_too_large',
      message: `Webhook bodies are limited to ${WEBHOOK_MAX_BYTES} bytes`,
    });
  },
});

const refuse = (message: string, code = 'signature_invalid') => new ApiError({ status: 400, code, message });

/** Stripe receivers accept a timestamp this many seconds away from now (WIRE.md). */
const STRIPE_TOLERANCE_S = 300;

/** The `t=` of a Stripe-Signature header, read the way the SDK reads it (the last one counts). */
function signedAt(header: string): number | undefined {
  let t: number | undefined;
  for (const item of header.split(',')) {
    const [key, value] = item.split('=');
    if (key === 't') t = Number.parseInt(value ?? '', 10);
  }
  return t !== undefined && Number.isFinite(t) ? t : undefined;
}

// Verification needs no network and no client state: any instance of the SDK verifies (stripe-node webhooks).
const verifier = new Stripe('sk_test_verifier_only', { telemetry: false });

/** Receivers for the two providers' webhooks: raw body, verify first, dedupe, act, answer fast. */
export function webhookRoutes(s: ShopServices) {
  const hooks = new Hono<ServiceEnv>();

  hooks.post('/stripe', limit, async (c) => {
    const receivedAt = preciseNow();
    const raw = Buffer.from(await c.req.arrayBuffer());
    const header = c.req.header('stripe-signature');
    if (!header) throw refuse('Missing Stripe-Signature header', 'signature_missing');
    const secrets = s.stripeWebhookSecrets();
    if (!secrets.length) {
      throw new ApiError({
        status: 503,
        code: 'not_ready',
        message: 'The webhook endpoint is not registered yet',
        headers: { 'retry-after': '1' },
      });
    }
    let event: Stripe.Event | undefined;
    let lastError = 'signature invalid';
    const nowMs = s.now();
    for (const secret of secrets) {
      try {
        // The SDK checks the v1 HMAC over the raw bytes and the 300 s timestamp tolerance (WIRE.md).
        event = verifier.webhooks.constructEvent(raw, header, secret, STRIPE_TOLERANCE_S, undefined, nowMs);
        break;
      } catch (err) {
        lastError = err instanceof Error ? err.message : String(err);
      }
    }
    // The SDK only looks back: a signature stamped hours ahead would stay replayable until then, plus 300 s.
    const t = event ? signedAt(header) : undefined;
    if (event && t !== undefined && t - Math.floor(nowMs / 1000) > STRIPE_TOLERANCE_S) {
      event = undefined;
      lastError = 'Timestamp outside the tolerance zone (in the future)';
    }
    // The recorded exchange says whether the signature held (the console shows it on the arrow).
    noteSignature(
      c,
      event ? { verified: true, scheme: 'stripe' } : { verified: false, scheme: 'stripe', reason: lastError },
    );
    if (!event) {
      s.logger?.warn({ reason: lastError }, 'refused a Stripe webhook');
      throw refuse(
        /timestamp/i.test(lastError)
          ? 'Timestamp outside the tolerance zone'
          : 'No signatures found matching the expected signature for payload',
      );
    }
    if (
      typeof event.id !== 'string' ||
      typeof event.type !== 'string' ||
      !event.data ||
      typeof event.data.object !== 'object'
    ) {
      throw refuse('A signed body that is not a Stripe event', 'invalid_event');
    }
    const outcome = handleStripeEvent(s, event, receivedAt);
    return c.json({ received: true, ...outcome });
  });

  // The secret is fixed config: decode it once, not per callback.
  const logisticsWebhook = new Webhook(s.config.LOGISTICS_WEBHOOK_SECRET);
  hooks.post('/logistics', limit, async (c) => {
    const raw = await c.req.text();
    const headers = {
      'webhook-id': c.req.header('webhook-id') ?? '',
      'webhook-timestamp': c.req.header('webhook-timestamp') ?? '',
      'webhook-signature': c.req.header('webhook-signature') ?? '',
    };
    let payload: unknown;
    try {
      payload = logisticsWebhook.verify(raw, headers);
    } catch (err) {
      const message = err instanceof WebhookVerificationError ? err.message : 'Invalid webhook';
      s.logger?.warn({ reason: message }, 'refused a logistics callback');
      noteSignature(c, { verified: false, scheme: 'standard', reason: message });
      throw refuse(message);
    }
    noteSignature(c, { verified: true, scheme: 'standard' });
    const parsed = logisticsCallbackSchema.safeParse(payload);
    if (!parsed.success) {
      const known =
        typeof payload === 'object' && payload && 'type' in payload
          ? String((payload as { type: unknown }).type)
          : '';
      // An event type we do not know yet is acknowledged, so the sender does not retry it for days.
      if (known && !logisticsCallbackSchema.options.some((o) => o.shape.type.value === known)) {
        return c.json({ received: true, action: 'ignored_type' });
      }
      throw new ApiError({
        status: 422,
        code: 'invalid_callback',
        message: parsed.error.issues[0]?.message ?? 'Invalid callback body',
      });
    }
    const outcome = handleLogisticsCallback(s, headers['webhook-id'], parsed.data);
    if (outcome.manifestId && !outcome.duplicate) s.onManifest?.(outcome.manifestId);
    return c.json({ received: true, ...outcome });
  });

  return hooks;
}
