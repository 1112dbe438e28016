import type { QuoteResult } from '../db/schema.ts';

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
