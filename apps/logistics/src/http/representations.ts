import type { Manifest, Quote, Shipment } from '../db/schema.ts';
import { STAGES, TERMINAL } from '../domain/pipeline.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A shipment as the API shows it: the stage while running, everything once done. */
export function shipmentJson(s: Shipment) {
  const index = STAGES.indexOf(s.status as (typeof STAGES)[number]);
  return {
    id: s.id,
    object: 'shipment',
    order_id: s.orderId,
    status: s.status,
    done: TERMINAL.has(s.status),
    stage: index >= 0 ? { index: index + 1, of: STAGES.length, name: s.status } : null,
    failure_reason: s.failureReason,
    carrier: s.carrier,
    service: s.service,
    tracking_number: s.trackingNumber,
    label_url: s.labelUrl,
    items: s.items,
    ship_to: s.shipTo,
    callback_url: s.callbackUrl,
    notify_url: s.notifyUrl,
    notify_status: s.notifyStatus,
    events: s.events,
    source: s.source,
    created_at: iso(s.createdAt),
    updated_at: iso(s.updatedAt),
    completed_at: iso(s.completedAt),
    status_url: `/v1/shipments/${s.id}`,
    result_url: `/v1/shipments/${s.id}/result`,
  };
}

export function quoteStatusJson(q: Quote, readyAt: number | null) {
  return {
    id: q.id,
    object: 'quote',
    status: q.status,
    origin_postal_code: q.originPostalCode,
    destination_postal_code: q.destinationPostalCode,
    destination_country: q.destinationCountry,
    weight_grams: q.weightGrams,
    callback_url: q.callbackUrl,
    created_at: iso(q.createdAt),
    estimated_completion_at: iso(readyAt),
    completed_at: iso(q.completedAt),
    status_url: `/v1/quotes/${q.id}`,
    result_url: `/v1/quotes/${q.id}/result`,
  };
}

export function manifestStatusJson(m: Manifest) {
  return {
    id: m.id,
    object: 'manifest',
    status: m.status,
    date: m.date,
    min_bytes: m.minBytes,
    expires_in_sec: m.expiresInSec,
    callback_url: m.callbackUrl,
    created_at: iso(m.createdAt),
    completed_at: iso(m.completedAt),
    status_url: `/v1/manifests/${m.id}`,
    result_url: `/v1/manifests/${m.id}/result`,
  };
}

/** The manifest reference: exactly the shape of the `manifest.ready` callback, plus the row count. */
export function manifestResultJson(m: Manifest) {
  return {
    manifest_id: m.id,
    date: m.date,
    url: m.url,
    size: m.size,
    content_type: m.contentType,
    sha256: m.sha256,
    expires_at: iso(m.expiresAt),
    rows: m.rows,
  };
}
