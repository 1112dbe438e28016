// docs/asyncapi.yaml against the official parser, then against reality: every webhook S03 and S04 really
// deliver on the in-process stack must be a documented message of its sender, and match its schemas.
import { readFile } from 'node:fs/promises';
import { type AsyncAPIDocumentInterface, DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { createContext, type ScenarioId, scenarios } from '@hooklab/scenarios';
import type { Exchange, ServiceName } from '@hooklab/service';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type Stack, startStack } from './stack.ts';

const DOC_URL = new URL('../../docs/asyncapi.yaml', import.meta.url);
const SENDERS: ServiceName[] = ['payments', 'shop', 'logistics'];

type JsonSchema = Parameters<typeof z.fromJSONSchema>[0];
interface Documented {
  payload: z.ZodType;
  requiredHeaders: string[];
}

let doc: AsyncAPIDocumentInterface;
let stack: Stack;

/** The parser's resolved JSON, without its own `x-parser-*` annotations. */
function plain(schema: unknown): JsonSchema {
  return JSON.parse(JSON.stringify(schema, (k, v) => (k.startsWith('x-parser-') ? undefined : v)));
}

/** Header names a message requires (its headers schema, allOf parts included). */
function requiredOf(schema: { required?: string[]; allOf?: unknown[] } | undefined): string[] {
  if (!schema) return [];
  const parts = (schema.allOf ?? []) as { required?: string[] }[];
  return [...(schema.required ?? []), ...parts.flatMap((p) => requiredOf(p))];
}

/** Event type → schema of each message a sender's `send` operations (tagged with the app) document. */
function messagesOf(sender: ServiceName): Map<string, Documented[]> {
  const out = new Map<string, Documented[]>();
  for (const op of doc.operations().all()) {
    if (
      !op
        .tags()
        .all()
        .some((t) => t.name() === sender)
    )
      continue;
    for (const m of op.messages().all()) {
      const type = m.name();
      if (!type) continue;
      const entry: Documented = {
        payload: z.fromJSONSchema(plain(m.payload()?.json())),
        requiredHeaders: requiredOf(m.headers()?.json() as never).map((h) => h.toLowerCase()),
      };
      out.set(type, [...(out.get(type) ?? []), entry]);
    }
  }
  return out;
}

function parsedType(body: string | undefined): string | undefined {
  try {
    return (JSON.parse(body ?? '') as { type?: string }).type;
  } catch {
    return undefined;
  }
}

async function exchangesOf(app: ServiceName): Promise<Exchange[]> {
  const res = await fetch(`${stack.urls[app]}/_hooklab/exchanges?limit=1000`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: Exchange[] }).data;
}

async function run(id: ScenarioId) {
  const ctx = createContext({
    scenario: id,
    urls: stack.urls,
    keys: { payments: 'sk_test_hooklab', logistics: 'lg_test_hooklab' },
  });
  await scenarios[id]!.run(ctx);
}

beforeAll(async () => {
  const parsed = await new Parser().parse(await readFile(DOC_URL, 'utf8'));
  const problems = parsed.diagnostics.filter(
    (d) => d.severity === DiagnosticSeverity.Error || d.severity === DiagnosticSeverity.Warning,
  );
  expect(problems.map((d) => `${d.code} ${d.path.join('.')}: ${d.message}`)).toEqual([]);
  expect(parsed.document).toBeDefined();
  doc = parsed.document!;
});
afterAll(async () => {
  await stack?.stop();
});

describe('docs/asyncapi.yaml', () => {
  it('is a valid AsyncAPI 3 document for the three senders', () => {
    expect(doc.version()).toMatch(/^3\./);
    for (const app of SENDERS) expect(messagesOf(app).size, app).toBeGreaterThan(0);
    // The events the shop relies on; the document lists all of payments' EVENT_TYPES (webhooks/out/events.ts).
    expect([...messagesOf('payments').keys()]).toEqual(
      expect.arrayContaining(['payment_intent.succeeded', 'checkout.session.completed', 'charge.refunded']),
    );
  });

  it('a payload that breaks the documented schema is refused (the check below can fail)', () => {
    const [fulfilled] = messagesOf('logistics').get('shipment.fulfilled')!;
    const good = {
      type: 'shipment.fulfilled',
      timestamp: '2026-11-29T10:00:00.000Z',
      data: {
        shipment_id: 'shp_1',
        order_id: 'ord_1',
        carrier: 'dhl',
        tracking_number: 'JJD1',
        label_url: 'http://x/l.pdf',
        status: 'shipped',
      },
    };
    expect(fulfilled!.payload.safeParse(good).success).toBe(true);
    const { tracking_number: _, ...withoutTracking } = good.data;
    expect(fulfilled!.payload.safeParse({ ...good, data: withoutTracking }).success).toBe(false);
    expect(fulfilled!.payload.safeParse({ ...good, type: 'shipment.delivered' }).success).toBe(false);
  });

  it('describes every webhook S03 and S04 deliver: each type documented, each payload and signature header as documented', async () => {
    stack = await startStack(['payments', 'logistics', 'shop'], {
      env: { LOGISTICS_STAGE_MS: '20', PAYMENTS_PROCESSING_DELAY_MS: '300', SHOP_POLL_INTERVAL_MS: '200' },
    });
    await run('S03');
    await run('S04');
    // Recorded bodies are redacted and cut at 2 KB; a Stripe event is read whole from the API instead.
    const stripe = new Stripe('sk_test_hooklab', {
      host: '127.0.0.1',
      port: Number(new URL(stack.urls.payments).port),
      protocol: 'http',
      telemetry: false,
    });

    const seen: Record<string, Set<string>> = { payments: new Set(), shop: new Set(), logistics: new Set() };
    for (const app of SENDERS) {
      const documented = messagesOf(app);
      // HTTP webhooks only: the shop's customer e-mails (mailto:) are mail, described in its README, not here.
      const sent = (await exchangesOf(app)).filter(
        (e) => e.kind === 'webhook' && e.direction === 'out' && /^https?:/.test(e.url),
      );
      for (const e of sent) {
        const type = e.requestHeaders['x-hooklab-event-type']!;
        seen[app]!.add(type);
        const messages = documented.get(type);
        expect(messages, `${app} sent ${type}, which docs/asyncapi.yaml does not describe`).toBeDefined();
        const payload =
          app === 'payments'
            ? await stripe.events.retrieve(e.requestHeaders['x-hooklab-event-id']!)
            : JSON.parse(e.requestBody!);
        const results = messages!.map((m) => m.payload.safeParse(payload));
        expect(
          results.some((r) => r.success),
          `${app} ${type}: ${JSON.stringify(results.map((r) => r.error?.issues))}`,
        ).toBe(true);
      }
    }
    // The run delivered what S03/S04 are about, from each sender.
    expect([...seen.payments!]).toEqual(
      expect.arrayContaining(['payment_intent.succeeded', 'checkout.session.completed', 'charge.refunded']),
    );
    expect([...seen.shop!]).toEqual(['order.created']);
    expect([...seen.logistics!]).toEqual(
      expect.arrayContaining([
        'shipment.fulfilled',
        'tracking.updated',
        'shipment.delivered',
        'shipment.failed',
      ]),
    );

    // The receivers' records: each delivery arrived with the signature headers its message requires.
    const received = [
      ...(await exchangesOf('shop')).filter((e) => e.direction === 'in' && e.kind === 'webhook'),
      ...(await exchangesOf('logistics')).filter((e) => e.direction === 'in' && e.kind === 'webhook'),
    ];
    const sender: Record<string, ServiceName> = {
      '/webhooks/stripe': 'payments',
      '/webhooks/logistics': 'logistics',
      '/v1/inbound/orders': 'shop',
    };
    const checked = new Set<string>();
    for (const e of received) {
      const path = new URL(e.url).pathname;
      const from = sender[path];
      if (!from) continue;
      const documented = messagesOf(from);
      // A long Stripe body is cut short in the record: then any of the sender's messages (one header set).
      const type = parsedType(e.requestBody);
      const messages = type ? documented.get(type) : [...documented.values()].flat();
      expect(messages, `${path} received ${type}`).toBeDefined();
      const names = Object.keys(e.requestHeaders);
      expect(
        messages!.some((m) => m.requiredHeaders.every((h) => names.includes(h))),
        `${path} ${type} arrived with ${names.join(', ')}`,
      ).toBe(true);
      checked.add(path);
    }
    expect([...checked].sort()).toEqual(['/v1/inbound/orders', '/webhooks/logistics', '/webhooks/stripe']);
  });
});
