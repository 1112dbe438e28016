// With OTEL_EXPORTER_OTLP_ENDPOINT set, every app exports its spans over OTLP/HTTP. An in-test collector on
// loopback receives them while S04 runs on the in-process stack; one trace must link
// shop → payments → shop → logistics → shop, with the ids the kit propagated and recorded.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createContext, scenarios } from '@hooklab/scenarios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from './stack.ts';

interface OtlpSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  start: bigint;
}

const SERVER = 2;

/** A minimal OTLP/HTTP collector: JSON on POST /v1/traces, every span kept with its resource's service. */
function startCollector(): Promise<{
  server: Server;
  url: string;
  spans: OtlpSpan[];
  contentTypes: Set<string>;
}> {
  const spans: OtlpSpan[] = [];
  const contentTypes = new Set<string>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      contentTypes.add(String(req.headers['content-type']));
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      for (const rs of body.resourceSpans ?? []) {
        const attrs: { key: string; value: { stringValue?: string } }[] = rs.resource?.attributes ?? [];
        const service = attrs.find((a) => a.key === 'service.name')?.value.stringValue ?? '?';
        for (const ss of rs.scopeSpans ?? [])
          for (const s of ss.spans ?? [])
            spans.push({
              service,
              traceId: s.traceId,
              spanId: s.spanId,
              parentSpanId: s.parentSpanId ?? '',
              name: s.name,
              kind: s.kind,
              start: BigInt(s.startTimeUnixNano),
            });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}`, spans, contentTypes });
    }),
  );
}

let collector: Awaited<ReturnType<typeof startCollector>>;
let stack: Stack | undefined;

beforeAll(async () => {
  collector = await startCollector();
});
afterAll(async () => {
  await stack?.stop();
  await new Promise((done) => collector?.server.close(done));
});

describe('OpenTelemetry export', () => {
  it('S04 is one trace in the collector: shop → payments → shop → logistics → shop, ids as the kit recorded', async () => {
    stack = await startStack(['payments', 'logistics', 'shop'], {
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
        LOGISTICS_STAGE_MS: '20',
        LOGISTICS_QUOTE_MS: '300',
        PAYMENTS_PROCESSING_DELAY_MS: '300',
        SHOP_POLL_INTERVAL_MS: '200',
      },
    });
    const ctx = createContext({
      scenario: 'S04',
      urls: stack.urls,
      keys: { payments: 'sk_test_hooklab', logistics: 'lg_test_hooklab' },
      params: {},
    });
    await scenarios.S04!.run(ctx);
    // Closing an app flushes its batched spans to the collector (serve()'s shutdown).
    const recorders = { shop: stack.apps.shop!.recorder, logistics: stack.apps.logistics!.recorder };
    await stack.stop();
    stack = undefined;

    expect(collector.contentTypes).toEqual(new Set(['application/json']));
    const byId = new Map(collector.spans.map((s) => [s.spanId, s]));
    // Each hop: a server span whose parent is a span of another service, in the same trace.
    const hops = collector.spans
      .filter((s) => s.kind === SERVER)
      .flatMap((s) => {
        const parent = byId.get(s.parentSpanId);
        return parent && parent.service !== s.service && parent.traceId === s.traceId
          ? [
              {
                traceId: s.traceId,
                from: parent.service,
                to: s.service,
                start: s.start,
                server: s,
                client: parent,
              },
            ]
          : [];
      });
    const traces = new Map<string, typeof hops>();
    for (const h of hops) traces.set(h.traceId, [...(traces.get(h.traceId) ?? []), h]);
    const wanted = ['shop→payments', 'payments→shop', 'shop→logistics', 'logistics→shop'];
    const linked = [...traces.values()].find((hs) =>
      wanted.every((w) => hs.some((h) => `${h.from}→${h.to}` === w)),
    );
    expect(linked, `hops seen: ${hops.map((h) => `${h.from}→${h.to}`).join(', ')}`).toBeDefined();

    // Linked through the shop: the order.created attempt hangs under the shop's handling of payments' webhook.
    const toLogistics = linked!.find((h) => h.from === 'shop' && h.to === 'logistics')!;
    const shopGotPayment = byId.get(toLogistics.client.parentSpanId);
    expect(shopGotPayment?.service).toBe('shop');
    expect(byId.get(shopGotPayment!.parentSpanId)?.service).toBe('payments');

    // Every delivery attempt's parent is an exported span of its sender (no hole in Jaeger's tree).
    for (const from of ['payments', 'shop', 'logistics'] as const) {
      const attempt = linked!.find((h) => h.from === from && h.client.name.startsWith('webhook '))!.client;
      expect(byId.get(attempt.parentSpanId)?.service, `parent of ${from}'s ${attempt.name}`).toBe(from);
    }

    // The webhook hops hang under the sender's delivery attempt span, named after the event.
    expect(toLogistics.client.name).toBe('webhook order.created');
    expect(linked!.find((h) => h.from === 'payments' && h.to === 'shop')!.client.name).toMatch(/^webhook /);
    expect(linked!.find((h) => h.from === 'shop' && h.to === 'payments')!.server.name).toMatch(
      /^(GET|POST) \//,
    );

    // The recorders (what the console shows) hold the same ids as the collector (what Jaeger shows).
    const sent = recorders.shop
      .list({ traceId: toLogistics.traceId, limit: 200 })
      .find((e) => e.direction === 'out' && e.spanId === toLogistics.client.spanId);
    expect(sent?.kind).toBe('webhook');
    const received = recorders.logistics
      .list({ traceId: toLogistics.traceId, limit: 200 })
      .find((e) => e.direction === 'in' && e.spanId === toLogistics.server.spanId);
    expect(received?.parentSpanId).toBe(toLogistics.client.spanId);
  });
});
