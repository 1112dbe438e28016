import type { ServiceEnv } from '@hooklab/service';
import { Hono } from 'hono';
import type { ShopContext } from '../context.ts';
import type { OrderView } from '../domain/orders.ts';
import { orderFor, viewerOf } from '../http/auth.ts';
import { payOrRedirect } from '../http/checkout-redirect.ts';
import { streamOrder } from '../http/order-stream.ts';
import { OrderLive, OrderPage, orderFlagsOf } from '../pages/order-page.tsx';
import { OrdersPage } from '../pages/pages.tsx';

/** The customer's order pages: the list, one order (live), and "Pay now". */
export function orderPageRoutes(s: ShopContext) {
  const web = new Hono<ServiceEnv>();

  web.get('/orders', (c) => {
    const viewer = viewerOf(c, s);
    const orders =
      viewer.admin || viewer.sessionId
        ? s.orders.list({ limit: 50, sessionId: viewer.admin ? undefined : viewer.sessionId }).data
        : [];
    return c.html(<OrdersPage orders={orders} backOffice={viewer.admin} />);
  });

  web.get('/orders/:id', (c) => {
    const order = orderFor(c, s, c.req.param('id'));
    return c.html(
      <OrderPage
        order={order}
        events={s.orders.events(order.id)}
        flags={orderFlagsOf((n) => c.req.query(n))}
        pollIntervalMs={s.config.SHOP_POLL_INTERVAL_MS}
      />,
    );
  });

  // The order page's live region, re-rendered by the page's own component after every change.
  web.get('/orders/:id/live', (c) => {
    const order = orderFor(c, s, c.req.param('id'));
    const flags = orderFlagsOf((n) => c.req.query(n));
    const render = async (current: OrderView) => ({
      event: 'order',
      data: JSON.stringify({
        status: current.status,
        html: await (
          <OrderLive
            order={current}
            events={s.orders.events(current.id)}
            flags={flags}
            pollIntervalMs={s.config.SHOP_POLL_INTERVAL_MS}
          />
        ).toString(),
      }),
    });
    return streamOrder(c, s, order.id, {
      after: 0,
      snapshot: render,
      change: (ch) => render(ch.order),
    });
  });

  web.post('/orders/:id/pay', async (c) => {
    const order = orderFor(c, s, c.req.param('id'));
    if (order.status !== 'pending_payment' && order.status !== 'payment_failed')
      return c.redirect(`/orders/${order.id}`, 303);
    return payOrRedirect(c, s, order);
  });

  return web;
}
