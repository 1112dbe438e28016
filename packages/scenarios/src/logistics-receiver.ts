import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { ScenarioContext } from './scenario.ts';

/** Dev secret logistics signs callbacks with (docs/contracts.md); a runner may pass `params.logistics_webhook_secret`. */
export const LOGISTICS_DEV_CALLBACK_SECRET = 'whsec_aG9va2xhYi1sb2dpc3RpY3MtY2FsbGJhY2stZGV2LXNlY3JldA==';

export function logisticsKeys(ctx: ScenarioContext) {
  return {
    key: ctx.keys.logistics ?? 'lg_test_hooklab',
    readonly: String(ctx.params.logistics_readonly_key ?? 'lg_test_readonly'),
    other: String(ctx.params.logistics_other_key ?? 'lg_test_other'),
    callbackSecret: String(ctx.params.logistics_webhook_secret ?? LOGISTICS_DEV_CALLBACK_SECRET),
  };
}

export interface Delivery {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  bytes: number;
  /** For POSTs: the verified `{type, timestamp, data}`, or null when the signature did not verify. */
  event: { type: string; timestamp: string; data: Record<string, unknown> } | null;
  error?: string;
}

export interface CallbackReceiver {
  url: string;
  received: Delivery[];
  events(type?: string): NonNullable<Delivery['event']>[];
  close(): Promise<void>;
}

/**
 * A callback receiver on 127.0.0.1:0 that verifies Standard Webhooks with the npm `standardwebhooks`
 * library (or accepts unsigned bodies when `secret` is null) and may answer the CloudEvents OPTIONS handshake.
 */
export async function startCallbackReceiver(opts: {
  secret: string | null;
  /** `WebHook-Allowed-Origin` to answer an OPTIONS with: 'echo' repeats the request origin; null refuses. */
  allowOrigin?: 'echo' | '*' | null;
}): Promise<CallbackReceiver> {
  const received: Delivery[] = [];
  const verifier = opts.secret ? new Webhook(opts.secret) : null;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      const d: Delivery = {
        method: req.method ?? '',
        path: req.url ?? '/',
        headers,
        body: raw.toString(),
        bytes: raw.length,
        event: null,
      };
      received.push(d);
      if (req.method === 'OPTIONS') {
        // CloudEvents webhook spec §4.1.2: consent is the WebHook-Allowed-Origin header.
        const origin = headers['webhook-request-origin'];
        const out: Record<string, string> = { allow: 'POST' };
        if (opts.allowOrigin && origin) {
          out['webhook-allowed-origin'] = opts.allowOrigin === 'echo' ? origin : '*';
          if (headers['webhook-request-rate']) out['webhook-allowed-rate'] = headers['webhook-request-rate'];
        }
        res.writeHead(200, out).end();
        return;
      }
      try {
        d.event = (verifier ? verifier.verify(d.body, headers) : JSON.parse(d.body)) as Delivery['event'];
        res.writeHead(204).end();
      } catch (err) {
        d.error = err instanceof Error ? err.message : String(err);
        res.writeHead(400, { 'content-type': 'text/plain' }).end(d.error);
      }
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    events: (type) => received.flatMap((d) => (d.event && (!type || d.event.type === type) ? [d.event] : [])),
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/** A small order for logistics. */
export function sampleOrder(orderId: string, extra: Record<string, unknown> = {}) {
  return {
    order_id: orderId,
    items: [{ sku: 'DR-001', name: 'Linen wrap dress', quantity: 1 }],
    ship_to: {
      name: 'Ada Lovelace',
      line1: '12 Rue des Fleurs',
      city: 'Paris',
      postal_code: '75001',
      country: 'FR',
    },
    ...extra,
  };
}
