import { createHash } from 'node:crypto';
import type { Address, ShipmentItem, ShipmentStatus } from '../db/schema.ts';

/** The stages a shipment walks through, in order (docs/contracts.md). */
export const STAGES = ['picking', 'packed', 'label_purchased', 'shipped', 'in_transit', 'delivered'] as const;
export type Stage = (typeof STAGES)[number];

export const TERMINAL: ReadonlySet<ShipmentStatus> = new Set(['delivered', 'failed', 'canceled']);
/** Cancelling is possible until a label is bought. */
export const CANCELLABLE: ReadonlySet<ShipmentStatus> = new Set(['picking', 'packed']);

export type FailureReason = 'out_of_stock' | 'address_invalid';

export type Transition =
  | { kind: 'advance'; to: Stage }
  | { kind: 'fail'; reason: FailureReason; detail: string }
  | { kind: 'none' };

/** What happens when the current stage's time is up: the injectable failures of docs/contracts.md live here. */
export function nextTransition(status: ShipmentStatus, items: ShipmentItem[], shipTo: Address): Transition {
  if (TERMINAL.has(status)) return { kind: 'none' };
  if (status === 'picking') {
    const missing = items.find((i) => i.sku.startsWith('OOS-'));
    if (missing)
      return { kind: 'fail', reason: 'out_of_stock', detail: `SKU ${missing.sku} is out of stock` };
  }
  if (status === 'packed' && shipTo.postal_code.trim() === '00000') {
    return { kind: 'fail', reason: 'address_invalid', detail: 'The carrier refused postal code 00000' };
  }
  const i = STAGES.indexOf(status as Stage);
  const to = STAGES[i + 1];
  return to ? { kind: 'advance', to } : { kind: 'none' };
}

const CARRIERS = [
  { carrier: 'colissimo', service: 'expert', prefix: '6A' },
  { carrier: 'dhl', service: 'parcel_connect', prefix: 'JJD' },
  { carrier: 'ups', service: 'standard', prefix: '1Z' },
] as const;

/** The label a carrier sells for this shipment: deterministic from the shipment id, so a re-run buys the same one. */
export function buyLabel(shipmentId: string, country: string) {
  const digest = createHash('sha256').update(shipmentId).digest();
  const pick = country.toUpperCase() === 'FR' ? CARRIERS[0] : CARRIERS[digest[0]! % CARRIERS.length]!;
  const digits = BigInt(`0x${digest.subarray(1, 9).toString('hex')}`)
    .toString()
    .padStart(12, '0')
    .slice(0, 12);
  return { carrier: pick.carrier, service: pick.service, trackingNumber: `${pick.prefix}${digits}` };
}

const HUBS = [
  'Gennevilliers hub',
  'Lyon Saint-Exupéry sort centre',
  'Roissy CDG platform',
  'Marseille depot',
];

/** A plausible location for a tracking scan. */
export function scanLocation(shipmentId: string, city: string): string {
  const n = createHash('sha256').update(`${shipmentId}:scan`).digest()[0]! % HUBS.length;
  return `${HUBS[n]} → ${city}`;
}

/** A one-page label document (a minimal PDF) for the blob store. */
export function labelPdf(input: {
  shipmentId: string;
  carrier: string;
  trackingNumber: string;
  shipTo: Address;
}): Buffer {
  const lines = [
    `${input.carrier.toUpperCase()}  ${input.trackingNumber}`,
    input.shipTo.name,
    input.shipTo.line1,
    `${input.shipTo.postal_code} ${input.shipTo.city} ${input.shipTo.country}`,
    `ref ${input.shipmentId}`,
  ].map((l) => l.replace(/[()\\]/g, '').replace(/[^\x20-\x7e]/g, '?'));
  const text = lines.map((l, i) => `BT /F1 14 Tf 36 ${380 - i * 22} Td (${l}) Tj ET`).join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 288 432] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${text.length} >>\nstream\n${text}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) out += `${String(off).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
