import { Readable } from 'node:stream';
import type { Shipment } from '../db/schema.ts';

export const MANIFEST_CONTENT_TYPE = 'application/x-ndjson';
/** Largest manifest a demo may ask for with `min_bytes`. */
export const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

function zplLabel(tracking: string, name: string, city: string, postal: string): string {
  return [
    '^XA^CI28^PW812^LL1218',
    `^FO40,40^A0N,40,40^FD${name}^FS`,
    `^FO40,100^A0N,32,32^FD${postal} ${city}^FS`,
    `^FO40,200^BY3^BCN,180,Y,N,N^FD${tracking}^FS`,
    '^FO40,450^GB732,4,4^FS',
    `^FO40,480^BQN,2,8^FDLA,${tracking}^FS`,
    '^XZ',
  ].join('');
}

function shipmentRow(s: Shipment) {
  const tracking = s.trackingNumber ?? '';
  return {
    type: 'shipment',
    shipment_id: s.id,
    order_id: s.orderId,
    status: s.status,
    carrier: s.carrier,
    service: s.service,
    tracking_number: s.trackingNumber,
    ship_to: s.shipTo,
    items: s.items,
    created_at: new Date(s.createdAt).toISOString(),
    label_zpl: tracking ? zplLabel(tracking, s.shipTo.name, s.shipTo.city, s.shipTo.postal_code) : null,
  };
}

const NAMES = [
  'Ada Lovelace',
  'Grace Hopper',
  'Katherine Johnson',
  'Hedy Lamarr',
  'Margaret Hamilton',
  'Radia Perlman',
];
const CITIES: [string, string][] = [
  ['Paris', '75001'],
  ['Lyon', '69002'],
  ['Marseille', '13001'],
  ['Lille', '59000'],
  ['Nantes', '44000'],
  ['Bordeaux', '33000'],
];

function sampleRow(date: string, n: number) {
  const name = NAMES[n % NAMES.length]!;
  const [city, postal] = CITIES[n % CITIES.length]!;
  const tracking = `6A${String(100_000_000_000 + n * 7919).slice(-12)}`;
  return {
    type: 'shipment',
    sample: true,
    shipment_id: `shp_sample${String(n).padStart(8, '0')}`,
    order_id: `ord_sample${String(n).padStart(8, '0')}`,
    status: 'shipped',
    carrier: 'colissimo',
    service: 'expert',
    tracking_number: tracking,
    ship_to: { name, line1: `${(n % 120) + 1} Rue des Fleurs`, city, postal_code: postal, country: 'FR' },
    items: [
      { sku: `DR-${String(n % 40).padStart(3, '0')}`, name: 'Linen wrap dress', quantity: 1 + (n % 2) },
    ],
    created_at: `${date}T${String(8 + (n % 10)).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}:00.000Z`,
    label_zpl: zplLabel(tracking, name, city, postal),
  };
}

/**
 * The end-of-day manifest as NDJSON: a header line, one line per shipment of the day, then realistic
 * sample rows until `minBytes` is reached (demos of a multi-MB claim check).
 */
export function manifestStream(input: {
  manifestId: string;
  merchantId: string;
  date: string;
  generatedAt: string;
  shipments: Shipment[];
  minBytes: number;
}): { stream: Readable; rows: () => number } {
  let rows = 0;
  async function* lines() {
    let written = 0;
    let chunk: string[] = [];
    let chunkBytes = 0;
    const push = (obj: unknown) => {
      const line = `${JSON.stringify(obj)}\n`;
      chunk.push(line);
      chunkBytes += Buffer.byteLength(line);
      rows++;
    };
    const flush = () => {
      const buf = Buffer.from(chunk.join(''));
      written += buf.length;
      chunk = [];
      chunkBytes = 0;
      return buf;
    };
    push({
      type: 'manifest',
      manifest_id: input.manifestId,
      merchant_id: input.merchantId,
      date: input.date,
      generated_at: input.generatedAt,
      shipments: input.shipments.length,
    });
    for (const s of input.shipments) {
      push(shipmentRow(s));
      if (chunkBytes >= 256 * 1024) yield flush();
    }
    let n = 0;
    while (written + chunkBytes < input.minBytes) {
      push(sampleRow(input.date, n++));
      if (chunkBytes >= 256 * 1024) yield flush();
    }
    if (chunk.length) yield flush();
  }
  return { stream: Readable.from(lines()), rows: () => rows };
}
