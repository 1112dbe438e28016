import { describe, expect, it } from 'vitest';
import { escapeMrkdwn, logisticsMessage, money, orderAnswer, orderIdIn, shopMessage } from './messages.ts';

describe('messages', () => {
  it('finds the order id in a question, whatever surrounds it', () => {
    expect(orderIdIn('order ord_3xYv9kQ2?')).toBe('ord_3xYv9kQ2');
    expect(orderIdIn('where is ORD_3xYv9kQ2 now')).toBe('ord_3xYv9kQ2');
    expect(orderIdIn('order ORD-1042?')).toBe('ORD-1042');
    expect(orderIdIn('hello there')).toBeUndefined();
  });

  it('escapes what came from outside, so a customer name cannot make a link or a mention', () => {
    expect(escapeMrkdwn('<!channel> & <http://evil|x>')).toBe('&lt;!channel&gt; &amp; &lt;http://evil|x&gt;');
    const m = shopMessage({
      type: 'order.fulfilled',
      data: {
        order_id: 'ord_1',
        amount_total: 100,
        currency: 'eur',
        items: [{ name: '<!here>', quantity: 1 }],
      },
    });
    expect(JSON.stringify(m.blocks)).not.toContain('<!here>');
  });

  it('puts a Refund button on paid orders only', () => {
    const paid = shopMessage({ type: 'order.paid', data: { order_id: 'ord_1' } });
    const shipped = shopMessage({
      type: 'order.fulfilled',
      data: { order_id: 'ord_1', carrier: 'colissimo' },
    });
    expect(paid.blocks.some((b) => b.type === 'actions')).toBe(true);
    expect(shipped.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(shipped.text).toBe('Order ord_1 shipped');
  });

  it('posts a tracking update to #shipping with carrier, status, location and a link to the order', () => {
    const m = shopMessage({
      type: 'order.tracking_updated',
      data: {
        order_id: 'ord_1',
        status: 'fulfilled',
        carrier: 'DHL',
        tracking_number: 'T1',
        url: 'http://shop.test/orders/ord_1',
        tracking: { status: 'out_for_delivery', location: 'Lyon <hub>', at: '2026-01-01T10:00:00Z' },
      },
    });
    expect(m).toMatchObject({ kind: 'shipping', orderId: 'ord_1' });
    expect(m.text).toBe('Order ord_1: out for delivery at Lyon <hub> (DHL T1)');
    const shown = JSON.stringify(m.blocks);
    expect(shown).toContain('out for delivery* — Lyon &lt;hub&gt;');
    expect(shown).toContain('Carrier: DHL · T1');
    expect(shown).toContain('<http://shop.test/orders/ord_1|track in the shop>');
    expect(shown).toContain('<!date^1767261600^');
    expect(m.blocks.some((b) => b.type === 'actions')).toBe(false);
  });

  it('says why a shipment failed, and formats money in the order currency', () => {
    const failed = logisticsMessage({
      type: 'shipment.failed',
      data: { shipment_id: 'shp_1', order_id: 'ord_1', reason: 'out_of_stock' },
    });
    expect(failed.kind).toBe('shipping');
    expect(JSON.stringify(failed.blocks)).toContain('out_of_stock');
    expect(money(12900, 'eur')).toBe('€129.00');
    expect(money(500, 'usd')).toBe('US$5.00');
  });

  it('answers about a refunded order without a Refund button', () => {
    const a = orderAnswer({
      id: 'ord_1',
      status: 'refunded',
      amount_total: 100,
      currency: 'eur',
      refund: { status: 'refunded', amount_refunded: 100 },
    });
    expect(a.text).toBe('Order ord_1 is refunded (€1.00)');
    expect(a.blocks.some((b) => b.type === 'actions')).toBe(false);
  });
});
