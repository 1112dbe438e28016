import { ApiError } from '@hooklab/service';
import type { Context } from 'hono';
import type { ShopContext } from '../context.ts';
import { startCheckout } from '../domain/checkout.ts';
import type { OrderView } from '../domain/orders.ts';

/** Sends the browser to the hosted payment page, or back to its order page saying why it could not. */
export async function payOrRedirect(c: Context, s: ShopContext, order: OrderView): Promise<Response> {
  try {
    const { checkout_url } = await startCheckout(s, order);
    return c.redirect(checkout_url, 303);
  } catch (err) {
    s.logger?.warn(
      { order: order.id, err: err instanceof Error ? err.message : String(err) },
      'checkout failed',
    );
    const why = err instanceof ApiError && err.code === 'out_of_stock' ? 'stock' : 'payments';
    return c.redirect(`/orders/${order.id}?error=${why}`, 303);
  }
}
