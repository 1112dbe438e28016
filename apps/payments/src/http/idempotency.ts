import { createIdempotencyStore, idempotency } from '@hooklab/service';
import type { MiddlewareHandler } from 'hono';
import type { PaymentsContext } from '../context.ts';
import { invalid, stripeError } from '../domain/errors.ts';
import type { PaymentsEnv } from './env.ts';

/** Results Stripe keeps for a key: requests that ran (success or a card decline), not rejected ones. */
const storable = (status: number) => (status >= 200 && status < 300) || status === 402;

/**
 * Stripe idempotency for POSTs on the kit's middleware: keys are per account, replayed for the TTL; the same
 * key with other parameters is a 400 `idempotency_error`, and one still running is a 409. Thrown errors are
 * rendered by the app's Stripe error renderer like every other.
 */
export function stripeIdempotency(d: PaymentsContext): MiddlewareHandler<PaymentsEnv> {
  return idempotency({
    store: createIdempotencyStore(d.sqlite),
    scope: (c) => (c.get('apiKey') as { accountId: string } | undefined)?.accountId ?? null,
    ttlMs: d.config.PAYMENTS_IDEMPOTENCY_TTL_HOURS * 3600_000,
    clock: d.clock,
    storable,
    beforeHandler: d.hooks?.beforeIdempotentHandler,
    onInvalidKey: () => {
      throw invalid(
        'Idempotency-Key must be 1 to 255 printable ASCII characters long.',
        undefined,
        'idempotency_key_invalid',
      );
    },
    onConflict: (c, kind) => {
      const key = c.req.header('idempotency-key');
      throw stripeError({
        status: kind === 'mismatch' ? 400 : 409,
        type: 'idempotency_error',
        code: 'idempotency_key_in_use',
        message:
          kind === 'mismatch'
            ? `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`
            : `There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): ${key}. Please try again later.`,
      });
    },
  });
}
