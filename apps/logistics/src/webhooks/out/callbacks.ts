import type { SqliteClient } from '@hooklab/db';
import { formatTraceparent, newId, parseTraceparent } from '@hooklab/service';
import { isHttpTarget, type SigningScheme, type SqliteOutbox } from '@hooklab/webhooks';
import type { Merchant, Shipment } from '../../db/schema.ts';

/** Where one callback goes and how it is signed. */
export interface CallbackTarget {
  endpointId: string;
  url: string;
  scheme: SigningScheme;
  secrets: string[];
}

/** The merchant's endpoint: an explicit callback_url, else the merchant's default; null when there is none. */
export function merchantTarget(merchant: Merchant, callbackUrl: string | null): CallbackTarget | null {
  const url = callbackUrl ?? merchant.callbackUrl;
  if (!url) return null;
  return { endpointId: `${merchant.id}:${url}`, url, scheme: 'standard', secrets: [merchant.callbackSecret] };
}

/**
 * Targets of a shipment's events. With a notify_url the results go to that third party only
 * (never to the caller), and only once it consented in the CloudEvents handshake.
 */
export function shipmentTargets(shipment: Shipment, merchant: Merchant): CallbackTarget[] {
  if (shipment.notifyUrl) {
    if (shipment.notifyStatus !== 'consented') return [];
    return [
      {
        // Per origin for HTTP (one receiver's concurrency and health); a mailbox, queue or topic is its own.
        endpointId: `notify:${isHttpTarget(shipment.notifyUrl) ? new URL(shipment.notifyUrl).origin : shipment.notifyUrl}`,
        url: shipment.notifyUrl,
        scheme: shipment.notifySecret ? 'standard' : 'none',
        secrets: shipment.notifySecret ? [shipment.notifySecret] : [],
      },
    ];
  }
  const target = merchantTarget(merchant, shipment.callbackUrl);
  return target ? [target] : [];
}

/** Writes one `{type, timestamp, data}` event per target into the outbox, on the caller's open transaction. */
export function enqueueEvent(
  sqlite: SqliteClient,
  outbox: SqliteOutbox,
  targets: CallbackTarget[],
  event: { type: string; data: Record<string, unknown>; now: number; traceparent: string | null },
): void {
  if (targets.length === 0) return;
  const body = JSON.stringify({
    type: event.type,
    timestamp: new Date(event.now).toISOString(),
    data: event.data,
  });
  const eventId = newId('evt');
  const parent = parseTraceparent(event.traceparent);
  for (const t of targets) {
    outbox.enqueue(sqlite, {
      endpointId: t.endpointId,
      url: t.url,
      eventType: event.type,
      eventId,
      body,
      signing: { scheme: t.scheme, secrets: t.secrets },
      profile: 'standard',
      // Under the request that asked for the work (exported); each attempt opens its own child span.
      ...(parent ? { traceparent: formatTraceparent(parent) } : {}),
    });
  }
}
