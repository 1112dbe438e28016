import { createHmac } from 'node:crypto';
import { randomBase62, randomHex } from '@hooklab/service';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { sameSecret } from '../http/secret-compare.ts';

const COOKIE = 'hooklab_dashboard';
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

export interface DashboardCsrf {
  /** The form token of this browser's dashboard session (the session cookie is set when it has none). */
  tokenFor(c: Context): string;
  /** Refuses an unsafe request from another origin, or without the session's token in `csrf_token`. */
  protect(onRefused: (c: Context) => Response | Promise<Response>): MiddlewareHandler;
}

/**
 * CSRF defence for the dashboard's forms, in two layers: hono's `csrf()` (Origin / Sec-Fetch-Site must be
 * this site) and a per-session token, an HMAC of the session cookie under a key that lives as long as the
 * process (a restart asks people to reload the page).
 */
export function createDashboardCsrf(): DashboardCsrf {
  const key = Buffer.from(randomHex(32), 'hex');
  const tokenOf = (sessionId: string) => createHmac('sha256', key).update(sessionId).digest('base64url');
  const sameOrigin = csrf();

  return {
    tokenFor(c) {
      let sessionId = getCookie(c, COOKIE);
      if (!sessionId || !SESSION_ID.test(sessionId)) {
        sessionId = randomBase62(43);
        setCookie(c, COOKIE, sessionId, { path: '/dashboard', httpOnly: true, sameSite: 'Strict' });
      }
      return tokenOf(sessionId);
    },
    protect(onRefused) {
      return async (c, next) => {
        if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
        try {
          await sameOrigin(c, async () => undefined);
        } catch {
          return onRefused(c);
        }
        const sessionId = getCookie(c, COOKIE);
        const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
        const given = typeof form.csrf_token === 'string' ? form.csrf_token : undefined;
        if (!sessionId || !SESSION_ID.test(sessionId) || !sameSecret(given, tokenOf(sessionId)))
          return onRefused(c);
        await next();
      };
    },
  };
}
