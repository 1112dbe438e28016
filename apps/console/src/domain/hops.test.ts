import { describe, expect, it } from 'vitest';
import { apiCall, delivery, exchange, URLS } from '../test-support.ts';
import { countHops, pollSeries } from './counters.ts';
import { buildHops, createNamer, foldPolls, lifelinesOf } from './hops.ts';

const nameOf = createNamer(URLS);
const SHOP = URLS.shop;
const PAY = URLS.payments;

describe('buildHops', () => {
  it('joins the caller’s and the callee’s record of one API call through the span ids', () => {
    const [out, inn] = apiCall({
      from: 'shop',
      to: 'payments',
      method: 'POST',
      url: `${PAY}/v1/payment_intents`,
      status: 201,
      start: 0,
      spanId: 'aaaaaaaaaaaaaaaa',
    });
    const hops = buildHops([inn, out], nameOf);
    expect(hops).toHaveLength(1);
    expect(hops[0]).toMatchObject({
      from: 'shop',
      to: 'payments',
      kind: 'api',
      status: 201,
      sent: out,
      received: inn,
    });
  });

  it('joins each webhook attempt with the receiver’s record of the same attempt, by event id and attempt', () => {
    const url = `${SHOP}/webhooks/stripe`;
    const a1 = delivery({
      from: 'payments',
      to: 'shop',
      url,
      eventId: 'evt_1',
      eventType: 'payment_intent.succeeded',
      attempt: 1,
      status: 503,
      start: 10,
      fault: 'failing',
    });
    const a2 = delivery({
      from: 'payments',
      to: 'shop',
      url,
      eventId: 'evt_1',
      eventType: 'payment_intent.succeeded',
      attempt: 2,
      status: 200,
      start: 900,
      signature: { verified: true, scheme: 'stripe' },
    });
    const hops = buildHops([a2[1], a1[1], a1[0], a2[0]], nameOf);
    expect(hops.map((h) => [h.attempt, h.status, h.failed, h.fault ?? null])).toEqual([
      [1, 503, true, 'failing'],
      [2, 200, false, null],
    ]);
    expect(hops[1]).toMatchObject({
      kind: 'webhook',
      eventType: 'payment_intent.succeeded',
      signature: { verified: true },
    });
    expect(hops.every((h) => h.sent && h.received)).toBe(true);
  });

  it('shows what the sender saw when the receiver handled it but the answer never arrived (drop)', () => {
    const [sent, received] = delivery({
      from: 'shop',
      to: 'logistics',
      url: `${URLS.logistics}/v1/inbound/orders`,
      eventId: 'evt_2',
      eventType: 'order.created',
      attempt: 1,
      status: null,
      receiverStatus: 202,
      start: 0,
      fault: 'drop',
    });
    const [hop] = buildHops([sent, received], nameOf);
    expect(hop).toMatchObject({ status: null, failed: true, fault: 'drop', to: 'logistics' });
  });

  it('keeps a record nobody paired as a hop of its own, named from the service map', () => {
    const lone = exchange({
      service: 'shop',
      from: 'shop',
      to: '127.0.0.1:4002',
      direction: 'out',
      method: 'GET',
      url: `${PAY}/v1/events`,
      status: null,
      error: 'ECONNREFUSED',
    });
    const [hop] = buildHops([lone], nameOf);
    expect(hop).toMatchObject({ from: 'shop', to: 'payments', failed: true, error: 'ECONNREFUSED' });
  });

  it('pairs records without ids by place, body and time, and never twice', () => {
    const body = '{"type":"shipment.fulfilled"}';
    const out1 = exchange({
      service: 'logistics',
      from: 'logistics',
      to: 'x',
      direction: 'out',
      kind: 'webhook',
      method: 'POST',
      url: `${SHOP}/webhooks/logistics`,
      requestBody: body,
      start: 0,
    });
    const in1 = exchange({
      service: 'shop',
      from: 'logistics',
      direction: 'in',
      kind: 'webhook',
      method: 'POST',
      url: `${SHOP}/webhooks/logistics`,
      requestBody: body,
      start: 2,
    });
    const out2 = exchange({
      service: 'logistics',
      from: 'logistics',
      to: 'x',
      direction: 'out',
      kind: 'webhook',
      method: 'POST',
      url: `${SHOP}/webhooks/logistics`,
      requestBody: body,
      start: 5000,
    });
    const hops = buildHops([out1, in1, out2], nameOf);
    expect(hops.map((h) => Boolean(h.received))).toEqual([true, false]);
  });

  it('marks polls, and those that told nothing new', () => {
    const url = `${PAY}/v1/payment_intents/pi_1`;
    const processing = '{"status":"processing"}';
    const calls = [processing, processing, processing, '{"status":"succeeded"}'].flatMap((body, i) =>
      apiCall({
        from: 'shop',
        to: 'payments',
        url,
        start: i * 100,
        responseBody: body,
        spanId: `${i}`.repeat(16),
      }),
    );
    const hops = buildHops(calls, nameOf);
    expect(hops.map((h) => [h.repeat, h.nothingNew])).toEqual([
      [false, false],
      [true, true],
      [true, true],
      [true, false],
    ]);
    expect(countHops(hops)).toMatchObject({ requests: 4, polls: 3, pollsNothingNew: 2, deliveries: 0 });
    expect(pollSeries(hops)).toEqual([{ from: 'shop', to: 'payments', polls: 3, nothingNew: 2 }]);
    // One row for the whole series while nothing else happens.
    expect(foldPolls(hops).map((r) => [r.count, r.nothingNew])).toEqual([[4, 2]]);
  });
});

describe('counters and rows', () => {
  it('counts requests against deliveries, retries, drops and suppressed duplicates', () => {
    const url = `${SHOP}/webhooks/stripe`;
    const hops = buildHops(
      [
        ...apiCall({
          from: 'console',
          to: 'shop',
          method: 'POST',
          url: `${SHOP}/api/orders`,
          status: 201,
          start: 0,
          spanId: 'b'.repeat(16),
        }),
        ...delivery({
          from: 'payments',
          to: 'shop',
          url,
          eventId: 'evt_1',
          eventType: 'e',
          attempt: 1,
          status: null,
          start: 10,
        }),
        ...delivery({
          from: 'payments',
          to: 'shop',
          url,
          eventId: 'evt_1',
          eventType: 'e',
          attempt: 2,
          status: 200,
          start: 20,
          receiverBody: '{"received":true,"duplicate":true}',
        }),
        ...delivery({
          from: 'payments',
          to: 'shop',
          url,
          eventId: 'evt_2',
          eventType: 'e',
          attempt: 9,
          status: 500,
          start: 30,
          outcome: 'dead',
        }),
      ],
      nameOf,
    );
    expect(countHops(hops)).toEqual({
      requests: 1,
      polls: 0,
      pollsNothingNew: 0,
      deliveries: 0,
      deliveryAttempts: 3,
      retries: 2,
      failures: 2,
      drops: 1,
      duplicatesSuppressed: 1,
    });
    expect(lifelinesOf(hops)).toEqual(['console', 'shop', 'payments']);
  });

  it('breaks poll series at any other hop, so the rows keep the story in order', () => {
    const url = `${SHOP}/api/orders/ord_1`;
    const poll = (i: number, body: string) =>
      apiCall({
        from: 'console',
        to: 'shop',
        url,
        start: i * 10,
        responseBody: body,
        spanId: `c${i}`.padEnd(16, '0'),
      });
    const hops = buildHops(
      [
        ...poll(0, 'a'),
        ...poll(1, 'a'),
        ...delivery({
          from: 'payments',
          to: 'shop',
          url: `${SHOP}/webhooks/stripe`,
          eventId: 'evt_1',
          eventType: 'e',
          attempt: 1,
          status: 200,
          start: 15,
        }),
        ...poll(2, 'b'),
        ...poll(3, 'b'),
      ],
      nameOf,
    );
    expect(foldPolls(hops).map((r) => [r.hop.method, r.count])).toEqual([
      ['GET', 2],
      ['POST', 1],
      ['GET', 2],
    ]);
  });
});

describe('non-HTTP targets as the engine records them', () => {
  const attempt = (url: string, status: number | null) =>
    exchange({
      service: 'logistics',
      from: 'logistics',
      // The kit's serviceNamer finds no host in mailto:/queue:/topic: URLs.
      to: '',
      direction: 'out',
      kind: 'webhook',
      method: 'POST',
      url,
      status,
      requestHeaders: { 'x-hooklab-event-id': 'evt_1', 'x-hooklab-event-type': 'shipment.fulfilled' },
    });

  it('draws a sender’s mailto:, queue: and topic: attempts as arrows of their own kind, to the mailbox or the queue/topic', () => {
    const hops = buildHops(
      [
        attempt('mailto:ops@atelier.test', 250),
        attempt('queue:picking', 200),
        attempt('topic:shipments', null),
      ],
      nameOf,
    );
    expect(hops.map((h) => [h.kind, h.to, h.failed])).toEqual([
      ['email', 'mailbox', false],
      ['queue', 'queue:picking', false],
      ['topic', 'topic:shipments', true],
    ]);
    expect(hops[0]!.eventType).toBe('shipment.fulfilled');
  });

  it('pairs an e-mail attempt with the mailbox’s arrival (one arrow), and a stored queue send is not a failure', () => {
    const sent = {
      ...attempt('mailto:Ada@Example.test', null),
      spanId: 'e'.repeat(16),
      outcome: 'delivered' as const,
    };
    const arrival = exchange({
      service: 'mailbox',
      from: 'shop',
      to: 'mailbox',
      direction: 'in',
      kind: 'email',
      method: 'SMTP',
      url: 'smtp://127.0.0.1:2525/ada%40example.test',
      status: 250,
      parentSpanId: 'e'.repeat(16),
      spanId: 'f'.repeat(16),
    });
    const stored = { ...attempt('queue:picking', null), outcome: 'delivered' as const };
    const hops = buildHops([sent, arrival, stored], nameOf);
    expect(hops.map((h) => [h.kind, h.from, h.to, h.failed])).toEqual([
      ['email', 'logistics', 'mailbox', false],
      ['queue', 'logistics', 'queue:picking', false],
    ]);
  });
});
