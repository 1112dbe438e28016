// Slack's Web API rate tiers, counted per method and token (chat.postMessage: per channel) in fixed windows.

/** Calls per minute of each tier (api.slack.com/apis/rate-limits); `post` is chat.postMessage's ~1/s per channel. */
export const TIER_PER_MINUTE = { 1: 1, 2: 20, 3: 50, 4: 100, post: 60 } as const;
export type Tier = keyof typeof TIER_PER_MINUTE;

export interface RateLimiter {
  /** Counts one call; returns the seconds to wait (Retry-After) when the window is full, else null. */
  take(key: string, tier: Tier, now: number): number | null;
}

/** `scale` multiplies every tier's allowance (0 switches limits off); `windowMs` is the counting window. */
export function createRateLimiter(opts: { scale: number; windowMs: number }): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  return {
    take(key, tier, now) {
      if (opts.scale === 0) return null;
      const limit = Math.max(1, Math.floor(TIER_PER_MINUTE[tier] * opts.scale));
      let w = windows.get(key);
      if (!w || now - w.start >= opts.windowMs) {
        if (windows.size > 10_000) windows.clear();
        w = { start: now, count: 0 };
        windows.set(key, w);
      }
      if (w.count >= limit) return Math.max(1, Math.ceil((w.start + opts.windowMs - now) / 1000));
      w.count++;
      return null;
    },
  };
}
