// Who may see an order: the customer session that placed it (the bag cookie), or the back office with
// SHOP_ADMIN_KEY. To anyone else an order does not exist (404), so an order id alone reveals nothing.
import { createHash, timingSafeEqual } from 'node:crypto';
import { ApiError, errors, newId } from '@hooklab/service';
import { eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { adminKeyOf } from '../config.ts';
import type { ShopContext } from '../context.ts';
import { carts } from '../db/schema.ts';
import type { OrderView } from '../domain/orders.ts';

/** The bag cookie: it also names the customer's session, whose orders it may read. */
export const SESSION_COOKIE = 'atelier_cart';

const digest = (v: string) => createHash('sha256').update(v).digest();

/** The key offered in `Authorization: Bearer <key>` (API) or Basic with the key as password (a browser). */
function offeredKey(c: Context): string | undefined {
  const auth = c.req.header('authorization');
  if (!auth) return undefined;
  const [scheme, value = ''] = auth.split(' ', 2);
  if (scheme?.toLowerCase() === 'bearer') return value.trim();
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    return decoded.slice(decoded.indexOf(':') + 1);
  }
  return '';
}

/**
 * True when the request carries the back-office key; a wrong key is a 401 (never silently a customer).
 * Compared as sha256 digests in constant time.
 */
export function isAdmin(c: Context, s: ShopContext): boolean {
  const offered = offeredKey(c);
  if (offered === undefined) return false;
  const key = adminKeyOf(s.config);
  if (key && timingSafeEqual(digest(offered), digest(key))) return true;
  throw new ApiError({
    status: 401,
    code: 'unauthorized',
    message: 'The back-office key is not valid',
    headers: { 'www-authenticate': 'Bearer realm="Atelier back office"' },
  });
}

/**
 * Only the back office passes: no key or a wrong one is a 401. Browsers are asked for Basic credentials (any
 * user name, the key as password), API clients for a Bearer token.
 */
export function requireAdmin(c: Context, s: ShopContext, scheme: 'Bearer' | 'Basic' = 'Bearer'): void {
  if (isAdmin(c, s)) return;
  throw new ApiError({
    status: 401,
    code: 'unauthorized',
    message: 'This needs the back-office key (SHOP_ADMIN_KEY)',
    headers: { 'www-authenticate': `${scheme} realm="Atelier back office"` },
  });
}

/** The customer's session id from the bag cookie, if it names a session we made. */
export function sessionOf(c: Context, s: ShopContext): string | undefined {
  const id = getCookie(c, SESSION_COOKIE);
  if (!id || id.length > 100) return undefined;
  return s.db.select().from(carts).where(eq(carts.id, id)).get() ? id : undefined;
}

/** The customer's session, made (and its cookie set) when the request has none. */
export function ensureSession(c: Context, s: ShopContext): string {
  const existing = sessionOf(c, s);
  if (existing) return existing;
  const id = newId('cart');
  s.db.insert(carts).values({ id, createdAt: s.now() }).run();
  setCookie(c, SESSION_COOKIE, id, {
    httpOnly: true,
    sameSite: 'Lax',
    path: '/',
    secure: s.config.publicUrl.startsWith('https:'),
    maxAge: 30 * 24 * 3600,
  });
  return id;
}

export interface Viewer {
  admin: boolean;
  sessionId: string | undefined;
}

export function viewerOf(c: Context, s: ShopContext): Viewer {
  return { admin: isAdmin(c, s), sessionId: sessionOf(c, s) };
}

/** May this viewer see the order? */
export function canSee(s: ShopContext, viewer: Viewer, orderId: string): boolean {
  if (viewer.admin) return true;
  const owner = s.orders.sessionOf(orderId);
  return Boolean(owner && viewer.sessionId && owner === viewer.sessionId);
}

/** The order, if this request may see it; otherwise the same 404 as for an order that does not exist. */
export function orderFor(c: Context, s: ShopContext, id: string): OrderView {
  const order = canSee(s, viewerOf(c, s), id) ? s.orders.get(id) : undefined;
  if (!order) throw errors.notFound(`Order ${id}`);
  return order;
}
