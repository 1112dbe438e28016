import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { apiCall, delivery, exchange, URLS } from '../test-support.ts';
import { curlOf, harOf, mermaidOf } from './exports.ts';
import { buildHops, createNamer } from './hops.ts';
import { effectOf, type Switch } from './switches.ts';

const nameOf = createNamer(URLS);

const trace = () =>
  buildHops(
    [
      ...apiCall({
        from: 'console',
        to: 'shop',
        method: 'POST',
        url: `${URLS.shop}/api/orders?x=1`,
        status: 201,
        start: 0,
        spanId: 'a'.repeat(16),
        responseBody: '{"id":"ord_1"}',
      }),
      ...delivery({
        from: 'payments',
        to: 'shop',
        url: `${URLS.shop}/webhooks/stripe`,
        eventId: 'evt_1',
        eventType: 'payment_intent.succeeded',
        attempt: 1,
        status: null,
        start: 100,
        fault: 'down',
        receiverStatus: null,
      }),
      ...delivery({
        from: 'payments',
        to: 'shop',
        url: `${URLS.shop}/webhooks/stripe`,
        eventId: 'evt_1',
        eventType: 'payment_intent.succeeded',
        attempt: 2,
        status: 200,
        start: 3100,
        signature: { verified: true, scheme: 'stripe' },
      }),
    ],
    nameOf,
  );

describe('HAR export', () => {
  it('is a HAR 1.2 log: one page for the trace, one entry per hop, failures as status 0', () => {
    const har = harOf('0af7651916cd43dd8448eb211c80319c', trace());
    expect(har.log.version).toBe('1.2');
    expect(har.log.pages[0]!.id).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(har.log.entries).toHaveLength(3);
    const [post, refused, delivered] = har.log.entries;
    expect(post).toMatchObject({
      pageref: '0af7651916cd43dd8448eb211c80319c',
      request: { method: 'POST', queryString: [{ name: 'x', value: '1' }], httpVersion: 'HTTP/1.1' },
      response: { status: 201, statusText: 'Created', content: { text: '{"id":"ord_1"}' } },
    });
    expect(refused!.response.status).toBe(0);
    expect(refused!._hooklab).toMatchObject({ kind: 'webhook', attempt: 1, fault: 'down' });
    expect(delivered!._hooklab).toMatchObject({ attempt: 2, signature: { verified: true } });
    for (const e of har.log.entries) {
      expect(Date.parse(e.startedDateTime)).not.toBeNaN();
      expect(e.time).toBeGreaterThanOrEqual(0);
      expect(e.timings.wait).toBe(e.time);
    }
    // Survives a JSON round trip unchanged (what a browser imports).
    expect(JSON.parse(JSON.stringify(har))).toEqual(har);
  });
});

describe('Mermaid export', () => {
  it('declares the lifelines and writes each hop as a call and its answer, failures crossed', () => {
    const text = mermaidOf(trace());
    expect(text.split('\n').slice(0, 4)).toEqual([
      'sequenceDiagram',
      '  participant console as console',
      '  participant shop as shop',
      '  participant payments as payments',
    ]);
    expect(text).toContain('console->>shop: POST /api/orders?x=1');
    expect(text).toContain('payments-)shop: payment_intent.succeeded → /webhooks/stripe');
    expect(text).toContain('shop--xpayments: no answer: down (injected fault)');
    expect(text).toContain('(attempt 2)');
    expect(text).toContain('shop-->>payments: 200 (signature verified)');
  });

  it('folds a series of polls into one line, as the live diagram does', () => {
    const polls = buildHops(
      [0, 1, 2].flatMap((i) =>
        apiCall({
          from: 'console',
          to: 'logistics',
          url: `${URLS.logistics}/v1/shipments/shp_1?view=status`,
          start: i * 100,
          spanId: String(i + 3).repeat(16),
        }),
      ),
      nameOf,
    );
    const text = mermaidOf(polls);
    expect(text.match(/GET \/v1\/shipments\/shp_1/g)).toHaveLength(1);
    expect(text).toContain('×3');
  });

  it('draws e-mail, queue and topic messages as one-way messages, like webhooks', () => {
    const hops = buildHops(
      ['email', 'queue', 'topic'].map((kind, i) =>
        exchange({
          service: 'logistics',
          from: 'logistics',
          to: kind === 'email' ? 'mailbox' : `${kind}:picking`,
          kind,
          direction: 'out',
          method: kind === 'email' ? 'SMTP' : 'PUBLISH',
          url: kind === 'email' ? 'mailto:ops@atelier.test' : `${kind}:picking`,
          start: i * 10,
          spanId: String(i + 1).repeat(16),
        }),
      ),
      nameOf,
    );
    const text = mermaidOf(hops);
    expect(text).toMatch(/logistics-\)mailbox: /);
    expect(text).toMatch(/logistics-\)queue_picking: /);
    expect(text).toMatch(/logistics-\)topic_picking: /);
    expect(text).not.toMatch(/\w->>/);
  });
});

describe('Mermaid export of a queue send', () => {
  it('answers a delivered queue: attempt (no status code) as stored, and a failed one as no answer', () => {
    const send = (attempt: number, outcome: 'delivered' | 'retry') =>
      delivery({
        from: 'logistics',
        to: 'queue:warehouse-picking',
        url: 'queue:warehouse-picking',
        eventId: `pick_list.created.shp_${attempt}`,
        eventType: 'pick_list.created',
        attempt,
        status: null,
        start: attempt * 100,
        spanId: String(attempt).repeat(16),
        outcome,
      })[0];
    const text = mermaidOf(buildHops([send(1, 'retry'), send(2, 'delivered')], nameOf));
    expect(text).toMatch(/queue_warehouse_picking--xlogistics: no answer/);
    expect(text).toMatch(/queue_warehouse_picking-->>logistics: stored \(queue\)/);
  });
});

describe('copy as curl', () => {
  it('quotes every part for the shell, so the command runs as recorded', () => {
    const [post] = buildHops(
      apiCall({
        from: 'console',
        to: 'shop',
        method: 'POST',
        url: `${URLS.shop}/api/orders`,
        start: 0,
        spanId: 'd'.repeat(16),
      }),
      nameOf,
    );
    post!.received!.requestHeaders = { 'content-type': 'application/json', host: 'x', 'x-note': "it's" };
    post!.received!.requestBody = `{"name":"O'Brien"}`;
    const cmd = curlOf(post!);
    expect(cmd).not.toContain("'host:");
    // The shell reads back exactly what was recorded.
    const echoed = execFileSync('sh', [
      '-c',
      `printf '%s\\n' ${cmd
        .split(' \\\n')
        .slice(1)
        .map((l) => l.trim().replace(/^(-H|--data-raw) /, ''))
        .join(' ')}`,
    ]).toString();
    expect(echoed.split('\n')).toEqual([
      'content-type: application/json',
      "x-note: it's",
      `{"name":"O'Brien"}`,
      '',
    ]);
  });
});

describe('what a switch did', () => {
  it('says how many messages the fault refused, how many retries, and when they got through', () => {
    const hops = trace();
    const sw: Switch = {
      id: 'sw_1',
      service: 'shop',
      kind: 'receiver',
      mode: 'down',
      at: 1_000_000 + 50,
      until: 1_000_000 + 2000,
    };
    expect(effectOf(sw, hops, 1_000_000 + 4000)).toBe('1 message(s) refused, 1 retry, delivered after 3.0 s');
    expect(effectOf({ ...sw, service: 'payments' }, hops, 1_000_000 + 4000)).toBe(
      'no delivery has met it yet',
    );
  });
});
