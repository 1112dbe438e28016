import { type ScenarioContext, waitFor } from './scenario.ts';

/**
 * Waits until the notifier has registered with payments, the shop and Slack (or uses a fixed secret). Only
 * those: its other feeds (markets, social) may wait for apps not running here.
 */
export async function notifierRegistered(ctx: ScenarioContext, timeoutMs: number): Promise<void> {
  await waitFor(
    async () => {
      const res = await ctx.fetch(`${ctx.urls.notifier}/api/status`).catch(() => undefined);
      if (!res?.ok) return false;
      const status = (await res.json()) as { registrations: Record<string, string> };
      const needed = ['payments', 'shop', 'slack'].map((p) => status.registrations[p]);
      return needed.every((s) => s && s !== 'pending');
    },
    { timeoutMs, intervalMs: 100, what: 'the notifier’s registrations' },
  );
}
