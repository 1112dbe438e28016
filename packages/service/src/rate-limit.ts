// Per-key request limits for an app's API, on hono-rate-limiter's fixed windows. The app decides what a
// key is (an API key, a token, a merchant) and what its 429 looks like; the kit adds `Retry-After` in whole
// seconds (what Slack's and most clients' retry logic reads) and the draft RateLimit-* headers.
import type { Context, MiddlewareHandler } from 'hono';
import { MemoryStore, rateLimiter } from 'hono-rate-limiter';

export interface RateLimitOptions {
  /** Requests allowed per window and key; 0 turns the limiter off. */
  limit: number;
  windowMs: number;
  /** The bucket a request counts against; undefined leaves it unlimited (e.g. no key: auth answers it). */
  keyOf(c: Context): string | undefined;
  /** The error the app's own error handler renders (its wire format), given the seconds to wait. */
  error(retryAfterSeconds: number): Error & { headers?: Record<string, string> };
}

const UNLIMITED = '\u0000unlimited';

/**
 * hono-rate-limiter 0.5.4's MemoryStore hands back its live counter object and the middleware reads it after
 * an `await`: requests arriving together all see the last count, so a burst of N+1 refuses all N+1. A copy
 * taken at increment time gives each request its own count.
 */
class SnapshotStore extends MemoryStore {
  override increment(key: string) {
    const { totalHits, resetTime } = super.increment(key);
    return { totalHits, resetTime: resetTime && new Date(resetTime.getTime()) };
  }
}

export function rateLimit(opts: RateLimitOptions): MiddlewareHandler {
  if (opts.limit <= 0) return async (_c, next) => next();
  return rateLimiter({
    windowMs: opts.windowMs,
    limit: opts.limit,
    standardHeaders: 'draft-6',
    store: new SnapshotStore(),
    keyGenerator: (c) => opts.keyOf(c) ?? UNLIMITED,
    skip: (c) => opts.keyOf(c) === undefined,
    handler: (c) => {
      const info = (c as Context<{ Variables: { rateLimit?: { limit: number; resetTime?: Date } } }>).get(
        'rateLimit',
      );
      const resetAt = info?.resetTime?.getTime() ?? Date.now() + opts.windowMs;
      const seconds = Math.max(1, Math.ceil((resetAt - Date.now()) / 1000));
      const err = opts.error(seconds);
      // Thrown, so the app renders it in its own format; the headers travel on the error (ApiError.headers).
      if (err.headers)
        Object.assign(err.headers, {
          'Retry-After': String(seconds),
          'RateLimit-Limit': String(info?.limit ?? opts.limit),
          'RateLimit-Remaining': '0',
          'RateLimit-Reset': String(seconds),
        });
      throw err;
    },
  }) as unknown as MiddlewareHandler;
}
