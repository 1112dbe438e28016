import type { SocialContext } from '../context.ts';
import { recheckAll } from './webhooks.ts';

/**
 * Re-runs every webhook's CRC each `SOCIAL_CRC_RECHECK_MS` (X does it hourly): one that fails becomes
 * `valid:false` and gets no deliveries until a re-check or a PUT passes. 0 turns it off.
 */
export function startCrcRechecks(ctx: SocialContext): { stop(): Promise<void> } {
  const every = ctx.config.SOCIAL_CRC_RECHECK_MS;
  if (every === 0) return { stop: async () => {} };
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(() =>
      recheckAll(ctx).catch((err) => ctx.logger?.error({ err }, 'CRC re-check failed')),
    );
  }, every);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
