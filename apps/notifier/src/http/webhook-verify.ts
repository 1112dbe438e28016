// Verification of what the notifier receives, with the senders' official libraries over the raw body.
import { ApiError, bodyLimit } from '@hooklab/service';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';

/** A delivery refused before it touches anything: 400 (Stripe's convention) or 401, problem+json. */
export const refuse = (status: 400 | 401, code: string, message: string) =>
  new ApiError({ status, code, message });

/** The endpoint exists but has no secret yet (registration still running): the sender retries later. */
export const notReady = () =>
  new ApiError({
    status: 503,
    code: 'not_ready',
    message: 'This endpoint is not registered with its sender yet',
    headers: { 'retry-after': '1' },
  });

export const webhookBodyLimit = (maxBytes: number) => bodyLimit({ maxBytes });

const STRIPE_TOLERANCE_S = 300;
// Verification needs no network and no client state: any instance of the SDK verifies.
const stripeVerifier = new Stripe('sk_test_verifier_only', { telemetry: false });

/** `t=` of a Stripe-Signature header, as the SDK reads it (the last one counts). */
function signedAt(header: string): number | undefined {
  let t: number | undefined;
  for (const item of header.split(',')) {
    const [key, value] = item.split('=');
    if (key === 't') t = Number.parseInt(value ?? '', 10);
  }
  return t !== undefined && Number.isFinite(t) ? t : undefined;
}

/** The Stripe event, verified by the SDK against any of `secrets`; throws a 400 ApiError otherwise. */
export function verifyStripe(
  raw: string,
  header: string | undefined,
  secrets: string[],
  nowMs: number,
): Stripe.Event {
  if (!header) throw refuse(400, 'signature_missing', 'Missing Stripe-Signature header');
  if (secrets.length === 0) throw notReady();
  let lastError = 'No signatures found matching the expected signature for payload';
  for (const secret of secrets) {
    try {
      const event = stripeVerifier.webhooks.constructEvent(
        raw,
        header,
        secret,
        STRIPE_TOLERANCE_S,
        undefined,
        nowMs,
      );
      // The SDK only looks back: a signature stamped far ahead would stay replayable until then.
      const t = signedAt(header);
      if (t !== undefined && t - Math.floor(nowMs / 1000) > STRIPE_TOLERANCE_S) {
        lastError = 'Timestamp outside the tolerance zone';
        continue;
      }
      if (
        typeof event?.id !== 'string' ||
        typeof event.type !== 'string' ||
        typeof event.data?.object !== 'object'
      )
        throw refuse(400, 'invalid_event', 'A signed body that is not a Stripe event');
      return event;
    } catch (err) {
      if (err instanceof ApiError) throw err;
      lastError = /timestamp/i.test(String((err as Error)?.message))
        ? 'Timestamp outside the tolerance zone'
        : 'No signatures found matching the expected signature for payload';
    }
  }
  throw refuse(400, 'signature_invalid', lastError);
}

export interface StandardEvent {
  id: string;
  type: string;
  timestamp?: string;
  data: Record<string, unknown>;
}

/** A Standard Webhooks delivery verified by `standardwebhooks` against any of `secrets`; 401 otherwise. */
export function verifyStandard(raw: string, headers: Headers, secrets: string[]): StandardEvent {
  const id = headers.get('webhook-id');
  const h = {
    'webhook-id': id ?? '',
    'webhook-timestamp': headers.get('webhook-timestamp') ?? '',
    'webhook-signature': headers.get('webhook-signature') ?? '',
  };
  if (!id || !h['webhook-timestamp'] || !h['webhook-signature'])
    throw refuse(401, 'signature_missing', 'Send webhook-id, webhook-timestamp and webhook-signature');
  if (secrets.length === 0) throw notReady();
  let payload: unknown;
  let reason = 'No matching signature found';
  for (const secret of secrets) {
    try {
      payload = new Webhook(secret).verify(raw, h);
      break;
    } catch (err) {
      reason = (err as Error)?.message || reason;
    }
  }
  if (payload === undefined)
    throw refuse(401, /timestamp/i.test(reason) ? 'timestamp_invalid' : 'signature_invalid', reason);
  const body = payload as Partial<StandardEvent> | null;
  if (!body || typeof body.type !== 'string' || typeof body.data !== 'object' || body.data === null)
    throw refuse(400, 'malformed_event', 'Expected a JSON body {type, timestamp, data}');
  return { id, type: body.type, timestamp: body.timestamp, data: body.data as Record<string, unknown> };
}
