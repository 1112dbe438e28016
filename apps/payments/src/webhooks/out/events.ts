import { currentTrace, formatTraceparent, newId } from '@hooklab/service';
import type { PaymentsContext } from '../../context.ts';
import { BACKGROUND, nowSec, type RequestMeta } from '../../domain/base.ts';
import { missing } from '../../domain/errors.ts';
import type { StripeObject } from '../../domain/store.ts';

/** The API version events are rendered with (the one stripe-node 23.1.0 pins). */
export const API_VERSION = '2026-10-28.endive';

export const EVENT_TYPES = [
  'payment_intent.created',
  'payment_intent.requires_action',
  'payment_intent.processing',
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'payment_intent.canceled',
  'payment_intent.amount_capturable_updated',
  'charge.pending',
  'charge.succeeded',
  'charge.failed',
  'charge.captured',
  'charge.refunded',
  'refund.created',
  'checkout.session.completed',
  'checkout.session.expired',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'product.created',
  'product.updated',
  'product.deleted',
  'price.created',
  'price.updated',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export interface StripeEvent extends StripeObject {
  object: 'event';
  type: string;
  created: number;
  pending_webhooks: number;
  data: { object: StripeObject; previous_attributes?: Record<string, unknown> };
}

export interface EndpointTarget {
  id: string;
  url: string;
  secret: string;
}

/** `*`, an exact type, or a `prefix.*` pattern. */
export function eventMatches(enabled: readonly string[], type: string): boolean {
  return enabled.some(
    (e) => e === '*' || e === type || (e.endsWith('.*') && type.startsWith(e.slice(0, -1))),
  );
}

/** Enabled endpoints of the account that want events of this type. */
export function subscribedEndpoints(d: PaymentsContext, accountId: string, type: string): EndpointTarget[] {
  return d.store
    .rows(accountId, 'webhook_endpoint')
    .filter((r) => r.data.status === 'enabled' && eventMatches(r.data.enabled_events as string[], type))
    .map((r) => ({ id: r.id, url: r.data.url as string, secret: r.internal.secret as string }));
}

/** Top-level fields of `before` that differ in `after` (Stripe's `previous_attributes`). */
export function changedFields(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(before)) if (JSON.stringify(v) !== JSON.stringify(after[k])) out[k] = v;
  return out;
}

/**
 * Stores an event and queues one signed delivery per subscribed endpoint, in the caller's transaction
 * (the outbox rows commit with the state change or not at all).
 */
export function emitEvent(
  d: PaymentsContext,
  accountId: string,
  type: EventType,
  object: StripeObject,
  opts: { request?: RequestMeta; previous?: Record<string, unknown> } = {},
): StripeEvent {
  const request = opts.request ?? BACKGROUND;
  const endpoints = subscribedEndpoints(d, accountId, type);
  const event: StripeEvent = {
    id: newId('evt'),
    object: 'event',
    api_version: API_VERSION,
    created: nowSec(d),
    data: opts.previous ? { object, previous_attributes: opts.previous } : { object },
    livemode: false,
    pending_webhooks: endpoints.length,
    request: { id: request.id, idempotency_key: request.idempotencyKey },
    type,
  };
  d.store.insert(accountId, event, { tag: type });
  enqueueDeliveries(d, event, endpoints);
  return event;
}

/** Queues `event` to each endpoint through the outbox; Stripe-Signature is computed per attempt. */
export function enqueueDeliveries(
  d: PaymentsContext,
  event: StripeEvent,
  endpoints: readonly EndpointTarget[],
): void {
  if (endpoints.length === 0) return;
  const body = JSON.stringify(event);
  // Deliveries hang under the span of the API call that caused the event (none for background jobs); each
  // attempt then opens its own child span, so the parent is one that is exported.
  const trace = currentTrace();
  const traceparent = trace ? formatTraceparent(trace) : undefined;
  d.outbox.enqueueMany(
    d.sqlite,
    endpoints.map((ep) => ({
      endpointId: ep.id,
      url: ep.url,
      eventType: event.type,
      eventId: event.id,
      body,
      signing: { scheme: 'stripe' as const, secrets: [ep.secret] },
      profile: 'stripe' as const,
      traceparent,
    })),
  );
}

/** Counts one delivery done: `pending_webhooks` goes down (never below zero). */
export function markDelivered(d: PaymentsContext, eventId: string): void {
  const row = d.store.rowById(eventId);
  if (row?.type !== 'event') return;
  const event = row.data as StripeEvent;
  d.store.update({ ...event, pending_webhooks: Math.max(0, event.pending_webhooks - 1) });
}

/** A stored event of the account, or Stripe's 404. */
export function loadEvent(d: PaymentsContext, accountId: string, id: string): StripeEvent {
  const e = d.store.get<StripeEvent>(accountId, id, 'event');
  if (!e) throw missing('event', id);
  return e;
}

/** Sends a stored event again to the account's subscribed endpoints (or one of them), through the outbox. */
export function resendEvent(
  d: PaymentsContext,
  accountId: string,
  id: string,
  endpointId?: string,
): StripeEvent {
  return d.sqlite.transaction(() => {
    const event = loadEvent(d, accountId, id);
    let targets = subscribedEndpoints(d, accountId, event.type);
    if (endpointId) {
      const row = d.store.row(accountId, endpointId, 'webhook_endpoint');
      if (!row) throw missing('webhook_endpoint', endpointId, 'webhook_endpoint');
      targets = [{ id: row.id, url: row.data.url as string, secret: row.internal.secret as string }];
    }
    const next = d.store.update({ ...event, pending_webhooks: event.pending_webhooks + targets.length });
    enqueueDeliveries(d, next, targets);
    return next;
  })();
}
