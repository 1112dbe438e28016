import {
  ApiError,
  type IdempotencyConflict,
  idempotency,
  normalizeError,
  problemResponse,
} from '@hooklab/service';
import type { Context, MiddlewareHandler } from 'hono';
import type { LogisticsContext } from '../context.ts';
import type { AuthEnv } from './auth.ts';

const CONFLICTS: Record<IdempotencyConflict, { status: 409 | 422; code: string; message: string }> = {
  mismatch: {
    status: 422,
    code: 'idempotency_key_reused',
    message: 'This Idempotency-Key was already used with a different request',
  },
  in_flight: {
    status: 409,
    code: 'idempotency_key_in_use',
    message: 'A request with this Idempotency-Key is still being processed; retry in a moment',
  },
};

/** Our problem+json answer for a reused or busy key; the rules themselves are the shared middleware's. */
export function onIdempotencyConflict(c: Context, kind: IdempotencyConflict): Response {
  const { status, code, message } = CONFLICTS[kind];
  const headers: Record<string, string> = kind === 'in_flight' ? { 'retry-after': '1' } : {};
  return problemResponse(
    c,
    normalizeError(new ApiError({ status, code, message, param: 'Idempotency-Key', headers })),
  );
}

/**
 * Stripe-style `Idempotency-Key` on the API's POSTs, keys scoped per merchant (after `requireApiKey`): the same key
 * and body replay the stored 202; another body → 422; while the first still runs → 409.
 */
export function apiIdempotency(ctx: LogisticsContext): MiddlewareHandler<AuthEnv> {
  return idempotency({
    store: ctx.idempotency,
    scope: (c) => (c as Context<AuthEnv>).get('merchant')?.id ?? null,
    clock: ctx.clock,
    onConflict: onIdempotencyConflict,
  }) as MiddlewareHandler<AuthEnv>;
}
