import Stripe from 'stripe';
import type { ScenarioContext } from './scenario.ts';

/** The official `stripe` SDK pointed at the payments stand-in (`ctx.urls.payments`), through `ctx.fetch`. */
export function stripeFor(ctx: ScenarioContext, key: string): Stripe {
  const url = new URL(ctx.urls.payments);
  return new Stripe(key, {
    host: url.hostname,
    port: url.port || (url.protocol === 'https:' ? 443 : 80),
    protocol: url.protocol === 'https:' ? 'https' : 'http',
    telemetry: false,
    maxNetworkRetries: 0,
    httpClient: Stripe.createFetchHttpClient(ctx.fetch as typeof fetch),
  });
}

/** Dev keys of the payments stand-in (docs/contracts.md), overridable through `ctx.keys` and `ctx.params`. */
export function paymentsKeys(ctx: ScenarioContext) {
  return {
    secret: ctx.keys.payments ?? 'sk_test_hooklab',
    restricted: String(ctx.params.payments_restricted_key ?? 'rk_test_hooklab'),
    other: String(ctx.params.payments_other_key ?? 'sk_test_other'),
  };
}

/** Runs `fn` expecting a Stripe error; returns it (or fails the scenario when the call succeeded). */
export async function stripeErrorOf(fn: () => Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof Stripe.errors.StripeError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}
