import { ApiError, newId } from '@hooklab/service';
import { and, eq } from 'drizzle-orm';
import type { LogisticsContext } from '../context.ts';
import { type Quote, type QuoteResult, quotes } from '../db/schema.ts';

/** A freight price from weight and distance between postal areas; deterministic, so polling and callback agree. */
export function priceQuote(input: {
  quoteId: string;
  originPostalCode: string;
  destinationPostalCode: string;
  destinationCountry: string;
  weightGrams: number;
  now: number;
}): QuoteResult {
  const area = (p: string) => Number.parseInt(p.replace(/\D/g, '').slice(0, 2) || '0', 10);
  const distance = Math.abs(area(input.originPostalCode) - area(input.destinationPostalCode));
  const international = input.destinationCountry.toUpperCase() !== 'FR';
  const kg = Math.max(1, Math.ceil(input.weightGrams / 1000));
  const amountCents = 495 + kg * 120 + distance * 7 + (international ? 1250 : 0);
  return {
    quote_id: input.quoteId,
    amount_cents: amountCents,
    currency: 'EUR',
    carrier: international ? 'dhl' : 'colissimo',
    service: kg > 20 ? 'freight' : international ? 'parcel_connect' : 'expert',
    expires_at: new Date(input.now + 24 * 3600_000).toISOString(),
  };
}

export interface CreateQuoteInput {
  merchantId: string;
  originPostalCode: string;
  destinationPostalCode: string;
  destinationCountry: string;
  weightGrams: number;
  callbackUrl: string | null;
  traceparent: string | null;
}

/** Creates a pending quote and its job (due after LOGISTICS_QUOTE_MS) in one transaction. */
export function createQuote(ctx: LogisticsContext, input: CreateQuoteInput): Quote {
  const result = ctx.sqlite.transaction(() => {
    const now = ctx.clock.now();
    const row: Quote = {
      ...input,
      id: newId('quo'),
      status: 'pending',
      result: null,
      createdAt: now,
      completedAt: null,
    };
    ctx.db.insert(quotes).values(row).run();
    ctx.jobs.schedule({ kind: 'quote', subjectId: row.id, runAt: now + ctx.config.LOGISTICS_QUOTE_MS });
    return row;
  })();
  ctx.jobs.wake();
  return result;
}

/** The merchant's quote, or 404 (another merchant's included). */
export function findQuote(ctx: LogisticsContext, merchantId: string, id: string): Quote {
  const q = ctx.db
    .select()
    .from(quotes)
    .where(and(eq(quotes.id, id), eq(quotes.merchantId, merchantId)))
    .get();
  if (!q)
    throw new ApiError({ status: 404, code: 'not_found', message: `Quote ${id.slice(0, 64)} not found` });
  return q;
}

/** When a pending quote's price will be known (null once completed). */
export const quoteReadyAt = (ctx: LogisticsContext, q: Quote) =>
  q.status === 'pending' ? q.createdAt + ctx.config.LOGISTICS_QUOTE_MS : null;
