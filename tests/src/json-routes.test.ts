// Every route of every app, enumerated from the Hono apps themselves (`app.routes`), called once on the
// in-process stack: never a 5xx, always a content type that says what the body is, errors in the app's
// wire format. A route added tomorrow is called by this test without anyone listing it.
import { type ServiceName, servedApps } from '@hooklab/service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STACK_APPS, type Stack, startStack } from './stack.ts';

// Every app hands its Hono app to the kit's serve(), which keeps it by port while it listens (servedApps).
const served = servedApps;

const KEYS: Partial<Record<ServiceName, string>> = {
  payments: 'sk_test_hooklab',
  logistics: 'lg_test_hooklab',
};

type Ids = Map<string, string>;
type Sample = (ids: Ids) => { body: string; type: string };
const json = (value: unknown) => ({ body: JSON.stringify(value), type: 'application/json' });
const form = (fields: Record<string, string>) => ({
  body: new URLSearchParams(fields).toString(),
  type: 'application/x-www-form-urlencoded',
});
const shipTo = {
  name: 'Ada Lovelace',
  line1: '1 Rue de Rivoli',
  city: 'Paris',
  postal_code: '75001',
  country: 'FR',
};

/** A valid body for the routes that create something; any other write gets an empty one (a 4xx is fine). */
const SAMPLES: Record<string, Sample> = {
  'payments POST /v1/payment_intents': () => form({ amount: '2500', currency: 'eur' }),
  'payments POST /v1/products': () => form({ name: 'Linen dress' }),
  'payments POST /v1/prices': (ids) =>
    form({ currency: 'eur', unit_amount: '2500', product: ids.get('payments /v1/products') ?? 'prod_x' }),
  'payments POST /v1/checkout/sessions': () =>
    form({
      mode: 'payment',
      success_url: 'http://localhost:3001/done',
      'line_items[0][quantity]': '1',
      'line_items[0][price_data][currency]': 'eur',
      'line_items[0][price_data][unit_amount]': '2500',
      'line_items[0][price_data][product_data][name]': 'Linen dress',
    }),
  'payments POST /v1/webhook_endpoints': () =>
    form({ url: 'http://127.0.0.1:9/webhooks', 'enabled_events[0]': 'payment_intent.succeeded' }),
  'logistics POST /v1/shipments': () =>
    json({ order_id: 'ord_routes', items: [{ sku: 'DR-001', quantity: 1 }], ship_to: shipTo }),
  'logistics POST /v1/quotes': () =>
    json({ origin_postal_code: '75001', destination_postal_code: '69002', weight_grams: 900 }),
  'logistics POST /v1/manifests': () => json({}),
  'shop POST /api/orders': () =>
    json({
      items: [{ sku: 'DR-001', quantity: 1 }],
      customer: { name: 'Ada Lovelace', email: 'ada@example.test' },
      ship_to: shipTo,
    }),
};

interface Route {
  app: ServiceName;
  method: string;
  path: string;
}

/** Real endpoints only: middleware shows up as `ALL` entries; a path with two handlers appears twice. */
function routesOf(app: ServiceName, hono: { routes: { method: string; path: string }[] }): Route[] {
  const seen = new Map<string, Route>();
  const methodsByPath = new Map<string, Set<string>>();
  for (const r of hono.routes) {
    if (!methodsByPath.has(r.path)) methodsByPath.set(r.path, new Set());
    methodsByPath.get(r.path)!.add(r.method);
  }
  for (const r of hono.routes) {
    if (r.method === 'ALL' && (r.path.endsWith('*') || methodsByPath.get(r.path)!.size > 1)) continue;
    const method = r.method === 'ALL' ? 'GET' : r.method;
    seen.set(`${method} ${r.path}`, { app, method, path: r.path });
  }
  // Creates first (their ids fill the `:id`s), then reads, then actions on one object, deletes last.
  const rank = (r: Route) =>
    r.method === 'POST' && !r.path.includes(':')
      ? 0
      : r.method === 'GET' || r.method === 'HEAD'
        ? 1
        : r.method === 'DELETE'
          ? 3
          : 2;
  return [...seen.values()].sort((a, b) => rank(a) - rank(b));
}

/** `/v1/shipments/:id/result` → the id created by `POST /v1/shipments`, or a fake one. */
function fill(route: Route, ids: Ids): string {
  const collection = route.path.split('/:')[0]!;
  return route.path.replace(/:(\w+)(\{[^}]*\})?/g, (_m, name: string, pattern?: string) => {
    if (pattern) return 'no/such-blob.txt';
    return ids.get(`${route.app} ${collection}`) ?? `no_such_${name}`;
  });
}

let stack: Stack;

beforeAll(async () => {
  stack = await startStack([...STACK_APPS], {
    env: { LOGISTICS_STAGE_MS: '60000', LOGISTICS_QUOTE_MS: '60000', STRIPE_REGISTER_ENDPOINT: 'false' },
  });
});
afterAll(async () => {
  await stack?.stop();
});

const SANE_TYPES = /^(application\/(problem\+)?json|text\/html|text\/event-stream|text\/css)\b/;

describe('every route of every app answers without a 5xx, in its own wire format', () => {
  it('enumerates each app from its Hono routes', () => {
    for (const name of STACK_APPS) {
      const app = stack.apps[name]!;
      expect(served.get(app.port), `${name}'s Hono app reached serve()`).toBeDefined();
      expect(routesOf(name, served.get(app.port)!).length, name).toBeGreaterThan(3);
    }
    // A sample for a route that no longer exists is a stale sample.
    const all = STACK_APPS.flatMap((n) => routesOf(n, served.get(stack.apps[n]!.port)!));
    for (const key of Object.keys(SAMPLES)) {
      expect(
        all.some((r) => `${r.app} ${r.method} ${r.path}` === key),
        key,
      ).toBe(true);
    }
  });

  for (const name of STACK_APPS) {
    it(`${name}: every route once`, async () => {
      const app = stack.apps[name]!;
      const ids: Ids = new Map();
      const failures: string[] = [];
      for (const route of routesOf(name, served.get(app.port)!)) {
        const path = fill(route, ids);
        const sample = SAMPLES[`${name} ${route.method} ${route.path}`];
        const hasBody = !['GET', 'HEAD', 'DELETE'].includes(route.method);
        const payload = hasBody
          ? (sample?.(ids) ?? (name === 'payments' && path.startsWith('/v1/') ? form({}) : json({})))
          : undefined;
        const headers: Record<string, string> = { accept: 'application/json' };
        if (KEYS[name]) headers.authorization = `Bearer ${KEYS[name]}`;
        if (payload) headers['content-type'] = payload.type;
        const res = await fetch(`${app.url}${path}`, {
          method: route.method,
          headers,
          body: payload?.body,
          redirect: 'manual',
        });
        const label = `${name} ${route.method} ${path} → ${res.status}`;
        const type = res.headers.get('content-type') ?? '';
        if (type.startsWith('text/event-stream')) {
          await res.body?.cancel();
          if (res.status >= 500) failures.push(label);
          continue;
        }
        const text = route.method === 'HEAD' ? '' : await res.text();
        if (res.status >= 500) {
          failures.push(`${label}: ${text.slice(0, 200)}`);
          continue;
        }
        if (text.length > 0 && !SANE_TYPES.test(type)) failures.push(`${label}: content-type "${type}"`);
        if (/json/.test(type) && route.method !== 'HEAD') {
          let body: Record<string, unknown>;
          try {
            body = JSON.parse(text);
          } catch {
            failures.push(`${label}: declared JSON, is not: ${text.slice(0, 100)}`);
            continue;
          }
          if (res.status >= 400) {
            const problem =
              type.startsWith('application/problem+json') &&
              body.status === res.status &&
              typeof body.title === 'string' &&
              typeof body.code === 'string';
            const error = body.error as { type?: unknown; message?: unknown } | undefined;
            const stripe = typeof error?.type === 'string' && typeof error.message === 'string';
            if (!problem && !stripe)
              failures.push(`${label}: neither problem+json nor a Stripe error: ${text}`);
          } else if (route.method === 'POST' && !route.path.includes(':') && typeof body.id === 'string') {
            ids.set(`${name} ${route.path}`, body.id);
          }
        }
      }
      expect(failures).toEqual([]);
    });
  }
});
