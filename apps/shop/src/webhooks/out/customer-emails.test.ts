import { newTrace, withTrace } from '@hooklab/service';
import { renderEventMail } from '@hooklab/webhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { createOrder, testShop } from '../../test-support.ts';

describe('customer e-mails (mailto: through the outbox)', () => {
  let shop: ReturnType<typeof testShop>;
  afterEach(() => shop?.close());

  const mails = async () =>
    (await shop.outbox.listMessages({ endpointId: 'customer-email', limit: 100 })).sort((a, b) =>
      a.eventType.localeCompare(b.eventType),
    );

  it('queues a confirmation when the order is paid and a shipping e-mail when it ships, nothing else', async () => {
    shop = testShop();
    const order = await createOrder(shop.app);
    const trace = newTrace();
    withTrace(trace, () =>
      shop.ctx.orders.signal(order.id, 'payment_succeeded', {
        source: 'test',
        patch: { paymentIntentId: 'pi_1' },
      }),
    );
    expect((await mails()).map((m) => m.eventType)).toEqual(['order.confirmation']);
    shop.ctx.orders.signal(order.id, 'shipment_fulfilled', {
      source: 'test',
      patch: { carrier: 'colissimo', trackingNumber: 'CP123456789FR' },
    });
    shop.ctx.orders.signal(order.id, 'shipment_delivered', { source: 'test' });
    // A repeated payment signal moves nothing, so it sends nothing.
    shop.ctx.orders.signal(order.id, 'payment_succeeded', { source: 'test' });

    const [confirmation, shipped, ...rest] = await mails();
    expect(rest).toEqual([]);
    expect(confirmation).toMatchObject({
      url: 'mailto:ada@example.com',
      eventId: `order.confirmation.${order.id}`,
      // In the trace of the request that marked the order paid: the mailbox files it there.
      traceparent: expect.stringContaining(trace.traceId),
    });
    const confirm = renderEventMail(confirmation!.eventType, confirmation!.eventId, confirmation!.body);
    expect(confirm.subject).toBe(`Your Atelier order ${order.id} is confirmed`);
    expect(confirm.text).toContain('Hello Ada Lovelace');
    expect(confirm.text).toContain('12 Rue des Fleurs');
    expect(confirm.html).toContain(`http://shop.test/orders/${order.id}`);

    expect(shipped).toMatchObject({ url: 'mailto:ada@example.com', eventType: 'order.shipping_notice' });
    const ship = renderEventMail(shipped!.eventType, shipped!.eventId, shipped!.body);
    expect(ship.subject).toBe(`Your Atelier order ${order.id} has shipped (tracking CP123456789FR)`);
    expect(ship.text).toContain('with colissimo');
    expect(ship.html).toContain('<code>CP123456789FR</code>');
  });

  it('escapes what the customer typed in the HTML body', async () => {
    shop = testShop();
    const order = await createOrder(shop.app, {
      items: [{ sku: 'DR-001', quantity: 1 }],
      customer: { name: '<script>x</script>', email: 'eve@example.com' },
      ship_to: { name: 'Eve', line1: '1 Rue', city: 'Paris', postal_code: '75001', country: 'FR' },
    });
    shop.ctx.orders.signal(order.id, 'payment_succeeded', { source: 'test' });
    const [m] = await mails();
    const { html } = renderEventMail(m!.eventType, m!.eventId, m!.body);
    expect(html).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(html).not.toContain('<script>');
  });

  it('sends none with SHOP_CUSTOMER_EMAILS=0', async () => {
    shop = testShop({ env: { SHOP_CUSTOMER_EMAILS: '0' } });
    const order = await createOrder(shop.app);
    shop.ctx.orders.signal(order.id, 'payment_succeeded', { source: 'test' });
    expect(await mails()).toEqual([]);
  });
});
