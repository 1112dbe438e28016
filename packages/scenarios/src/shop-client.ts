import { type ScenarioContext, waitFor } from './scenario.ts';

/** The shop's back-office key (`SHOP_ADMIN_KEY`; its dev default unless `ctx.keys.shop` says otherwise). */
export function shopAdminHeaders(ctx: ScenarioContext): Record<string, string> {
  return { authorization: `Bearer ${ctx.keys.shop ?? 'shop_admin_hooklab'}` };
}

/** Waits until the shop can receive payments' webhooks (its endpoint is registered, or a fixed secret is set). */
export async function shopReady(ctx: ScenarioContext, timeoutMs = 15_000): Promise<void> {
  await waitFor(
    async () => {
      const res = await ctx.fetch(`${ctx.urls.shop}/api/status`).catch(() => undefined);
      if (!res?.ok) return false;
      const status = (await res.json()) as { stripe_webhook?: { ready?: boolean } };
      return status.stripe_webhook?.ready === true;
    },
    { timeoutMs, intervalMs: 100, what: 'the shop’s Stripe webhook endpoint to be registered' },
  );
}
