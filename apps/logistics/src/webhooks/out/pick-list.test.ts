import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatTraceparent, newTrace } from '@hooklab/service';
import {
  type CloudEvent,
  consumeQueue,
  createDispatcher,
  createQueueBroker,
  createTransportRouter,
} from '@hooklab/webhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestLogistics, json, order, signedOrder, until } from '../../test-support.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('the warehouse pick list (queue:, CloudEvents)', () => {
  it('queues one pick list per shipment, in its transaction, and a picker consumes it as a CloudEvent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pick-list-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const queueFile = join(dir, 'queues.sqlite');
    const t = createTestLogistics({ env: { LOGISTICS_PICK_LIST_QUEUE: 'picking-test' } });
    cleanups.push(() => t.close());

    const trace = newTrace();
    const created = await t.app.request(
      '/v1/shipments',
      json(order(), undefined, { traceparent: formatTraceparent(trace) }),
    );
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };
    expect(t.outboxMessages()).toEqual([{ url: 'queue:picking-test', type: 'pick_list.created' }]);

    // The same order again as a webhook: the same shipment, so no second pick list.
    const ord = order();
    for (const msgId of ['msg_a', 'msg_b'])
      await t.app.request(
        '/v1/inbound/orders',
        signedOrder({ type: 'order.created', timestamp: new Date().toISOString(), data: ord }, { id: msgId }),
      );
    expect(t.outboxMessages().filter((m) => m.url === 'queue:picking-test')).toHaveLength(2);

    const router = createTransportRouter({ queueFile, source: '/logistics' });
    const dispatcher = createDispatcher({ store: t.outbox, transport: router, random: () => 0 });
    await dispatcher.start();
    cleanups.push(async () => {
      await dispatcher.stop();
      router.close();
    });
    const broker = createQueueBroker({ file: queueFile });
    cleanups.push(() => broker.close());
    const picked: CloudEvent<{ shipment_id: string; lines: unknown[] }>[] = [];
    const picker = consumeQueue('picking-test', (e) => void picked.push(e as (typeof picked)[number]), {
      broker,
      consumer: 'picker-1',
    });
    cleanups.push(() => picker.close());

    await until(() => picked.length === 2);
    const mine = picked.find((e) => e.data.shipment_id === id)!;
    expect(mine).toMatchObject({
      specversion: '1.0',
      id: `pick_list.created.${id}`,
      source: '/logistics',
      type: 'pick_list.created',
      data: { lines: [{ sku: 'DR-001', name: 'Linen wrap dress', quantity: 1 }] },
    });
    // In the trace of the request that created the shipment.
    expect(mine.traceparent).toContain(trace.traceId);
    await until(async () => (await broker.depth('picking-test')).ready === 0);
  });

  it('sends none when LOGISTICS_PICK_LIST_QUEUE is empty, and refuses a bad queue name at start', async () => {
    const t = createTestLogistics();
    cleanups.push(() => t.close());
    await t.app.request('/v1/shipments', json(order()));
    expect(t.outboxMessages()).toEqual([]);
    expect(() => createTestLogistics({ env: { LOGISTICS_PICK_LIST_QUEUE: 'two words' } })).toThrow(
      /LOGISTICS_PICK_LIST_QUEUE/,
    );
  });
});
