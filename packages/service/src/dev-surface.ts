import { createHash, timingSafeEqual } from 'node:crypto';
import { BlockList } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from './errors.ts';

/** The config fields that decide who may see a dev-only surface (recorder, dashboards, control API). */
export interface DevSurfaceConfig {
  HOOKLAB_DEV: boolean;
  HOOKLAB_DEV_TOKEN?: string;
}

/**
 * `allowed`, or why not: `not_dev` (dev mode off: the surface does not exist), `token_required` (a remote
 * caller, or a wrong token, while a token is configured), `local_only` (a remote caller and no token set).
 */
export type DevAccess = 'allowed' | 'not_dev' | 'token_required' | 'local_only';

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** True for 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  try {
    return loopback.check(address, address.includes(':') ? 'ipv6' : 'ipv4');
  } catch {
    return false;
  }
}

// A tunnel or proxy on this machine (ngrok, cloudflared, a dev proxy) connects from loopback for remote people.
const FORWARDED = [
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-real-ip',
  'cf-connecting-ip',
  'true-client-ip',
];
const LOCAL_HOST = /^(?:localhost|[a-z0-9-]+\.localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d{1,5})?$/i;

/**
 * A caller on this machine talking to us directly: loopback peer, no forwarding header, and a Host that
 * names loopback (a page whose DNS was rebound to 127.0.0.1 still sends its own host name).
 */
export function isLocalRequest(c: Context): boolean {
  let address: string | undefined;
  try {
    address = getConnInfo(c).remote.address;
  } catch {
    return false; // not on @hono/node-server (app.request() in tests): no peer to trust
  }
  if (!isLoopbackAddress(address)) return false;
  if (FORWARDED.some((h) => c.req.header(h) !== undefined)) return false;
  return LOCAL_HOST.test(c.req.header('host') ?? '');
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** The dev token a request carries: `Authorization: Bearer …` or `x-hooklab-dev-token`. */
function tokenOf(c: Context): string | undefined {
  const header = c.req.header('x-hooklab-dev-token');
  if (header) return header.trim();
  const auth = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
  return auth?.[1];
}

/** Whether this request may use a dev-only surface: dev mode, and a local caller or the dev token. */
export function devAccessOf(c: Context, config: DevSurfaceConfig): DevAccess {
  if (!config.HOOKLAB_DEV) return 'not_dev';
  const expected = config.HOOKLAB_DEV_TOKEN;
  const given = tokenOf(c);
  // Equal-length digests, so the comparison takes the same time whatever the token's length or content.
  if (expected && given && timingSafeEqual(digest(expected), digest(given))) return 'allowed';
  if (isLocalRequest(c)) return 'allowed';
  return expected ? 'token_required' : 'local_only';
}

/** The error a refused request gets: 404 outside dev mode (nothing is there), else 401 or 403. */
export function devAccessError(access: Exclude<DevAccess, 'allowed'>): ApiError {
  switch (access) {
    case 'not_dev':
      return new ApiError({ status: 404, code: 'not_found', message: 'Not found' });
    case 'token_required':
      return new ApiError({
        status: 401,
        code: 'dev_token_required',
        message: 'This dev-only route needs the dev token (Authorization: Bearer or x-hooklab-dev-token)',
        headers: { 'www-authenticate': 'Bearer realm="hooklab-dev"' },
      });
    case 'local_only':
      return new ApiError({
        status: 403,
        code: 'dev_local_only',
        message:
          'This dev-only route is served to this machine only; set HOOKLAB_DEV_TOKEN to reach it from elsewhere',
      });
  }
}

/** Middleware for dev-only routes (dashboards, control APIs): refuses as devAccessError says. */
export function devOnly(config: DevSurfaceConfig): MiddlewareHandler {
  return async (c, next) => {
    const access = devAccessOf(c, config);
    if (access !== 'allowed') throw devAccessError(access);
    await next();
  };
}
