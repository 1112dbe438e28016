import { describe, expect, it } from 'vitest';
import { createOrder, testShop } from '../test-support.ts';

async function nextEvent(reader: ReadableStreamDefaultReader<Uint8Array>, buffer: { text: string }) {
  const decoder = new TextDecoder();
  for (;;) {
    const end = buffer.text.indexOf('\n\n');
    if (end >= 0) {
      const block = buffer.text.slice(0, end);
      buffer.text = buffer.text.slice(end + 2);
      if (block.startsWith(':')) continue;
      const data = block
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trim())
        .join('\n');
      const id = block
        .split('\n')
        .find((l) => l.startsWith('id:'))
        ?.slice(3)
        .trim();
      return { id, data: JSON.parse(data) as { type: string; order: { status: string } } };
    }
    const { value, done } = await reader.read();
    if (done) throw new Error('stream ended');
    buffer.text += decoder.decode(value, { stream: true });
  }
}

describe('GET /api/orders/:id/events (SSE)', () => {
  it('sends a snapshot, then each status change as it commits', async () => {
    const shop = testShop();
    try {
      const order = await createOrder(shop.app);
      const res = await shop.app.request(`/api/orders/${order.id}/events`, {
        headers: { cookie: order.cookie },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      const reader = res.body!.getReader();
      const buffer = { text: '' };
      const first = await nextEvent(reader, buffer);
      expect(first.data).toMatchObject({ type: 'snapshot', order: { status: 'pending_payment' } });
      shop.ctx.orders.signal(order.id, 'payment_succeeded', { source: 'test' });
      const second = await nextEvent(reader, buffer);
      expect(second.data).toMatchObject({ type: 'order.paid', order: { status: 'paid' } });
      expect(Number(second.id)).toBeGreaterThan(Number(first.id));
      await reader.cancel();
    } finally {
      shop.close();
    }
  });

  it('replays what a reconnecting client missed (Last-Event-ID), and 404s an unknown order', async () => {
    const shop = testShop();
    try {
      const order = await createOrder(shop.app);
      const created = shop.ctx.orders.events(order.id)[0]!;
      shop.ctx.orders.signal(order.id, 'payment_succeeded', { source: 'test' });
      const res = await shop.app.request(`/api/orders/${order.id}/events`, {
        headers: { 'last-event-id': String(created.id), cookie: order.cookie },
      });
      const reader = res.body!.getReader();
      const missed = await nextEvent(reader, { text: '' });
      expect(missed.data.type).toBe('order.paid');
      await reader.cancel();
      expect((await shop.app.request('/api/orders/ord_nope/events')).status).toBe(404);
    } finally {
      shop.close();
    }
  });
});
