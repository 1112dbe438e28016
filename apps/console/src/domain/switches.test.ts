// The transport switches' names and effects, from fixture exchanges: broker down (topic: attempts refused,
// then delivered by a retry) and consumer crash before ack (the crash and the redelivery, as recorded).
import { describe, expect, it } from 'vitest';
import { exchange, URLS } from '../test-support.ts';
import { buildHops, createNamer } from './hops.ts';
import { effectOf, type Switch, switchLabel } from './switches.ts';

const at = 1_000_000;

describe('topic broker down', () => {
  const sw: Switch = { id: 'sw_b', service: 'topic broker', kind: 'transport', mode: 'broker-down', at };
  const publish = (attempt: number, outcome: 'retry' | 'delivered', start: number) =>
    exchange({
      service: 'logistics',
      from: 'logistics',
      to: '',
      direction: 'out',
      kind: 'webhook',
      method: 'POST',
      url: 'topic:s08/shipments',
      status: null,
      start,
      outcome,
      ...(outcome === 'retry' ? { error: 'retry: connection' } : {}),
      requestHeaders: { 'x-hooklab-event-id': 'evt_t', 'x-hooklab-attempt': String(attempt) },
    });

  it('is named for what it does; its effect counts the publishes refused and when they got through', () => {
    expect(switchLabel(sw)).toBe('down (every topic: publish fails; the outboxes retry)');
    const hops = buildHops(
      [publish(1, 'retry', 10), publish(2, 'retry', 1100), publish(3, 'delivered', 6000)],
      createNamer(URLS),
    );
    expect(effectOf({ ...sw, until: at + 5000 }, hops, at + 7000)).toBe(
      '1 message(s) refused, 2 retries, delivered after 6.0 s',
    );
    expect(effectOf(sw, [], at + 7000)).toBe('no topic: publish has met it yet');
  });
});

describe('queue consumer crashes before ack', () => {
  const sw: Switch = {
    id: 'sw_c',
    service: 'queue consumers',
    kind: 'transport',
    mode: 'consumer-crash',
    detail: '1',
    at,
  };
  const arrival = (consumer: string, start: number, error?: string) =>
    exchange({
      service: 'console',
      from: 'logistics',
      to: consumer,
      direction: 'in',
      kind: 'queue',
      method: 'CONSUME',
      url: 'queue:pick-lists',
      status: error ? 500 : 200,
      start,
      ...(error ? { error } : {}),
      requestHeaders: { 'ce-id': 'evt_q', 'ce-type': 'pick_list.created' },
    });

  it('says it is armed, then who crashed holding what, and who handled it after the visibility timeout', () => {
    expect(switchLabel(sw)).toBe('crash before ack (the next consumer to take a message)');
    expect(effectOf(sw, [], at + 100)).toBe(
      'armed: the next consumer to take a queue message dies holding it',
    );
    const crash = arrival(
      'warehouse-a',
      100,
      'warehouse-a crashed before its ack (injected fault); redelivered after 5000 ms',
    );
    const namer = createNamer(URLS);
    expect(effectOf(sw, buildHops([crash], namer), at + 200)).toBe(
      'warehouse-a crashed holding pick_list.created (no ack); waiting for the visibility timeout to redeliver it',
    );
    const hops = buildHops([crash, arrival('warehouse-b', 5200)], namer);
    expect(effectOf(sw, hops, at + 6000)).toBe(
      'warehouse-a crashed holding pick_list.created (no ack); redelivered to warehouse-b 5.1 s later, handled once',
    );
    expect(effectOf({ ...sw, until: at + 50 }, [], at + 6000)).toBe(
      'no consumer took a message while it was armed',
    );
  });
});
