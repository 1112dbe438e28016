// ISO 4217 currencies from the maintained `currency-codes` list, the way Stripe writes them (lower case).
import currencyCodes from 'currency-codes';

// Entries whose "countries" are ISO placeholders (Zz…: gold, bond units, the testing and no-currency codes).
const CURRENCIES: ReadonlyMap<string, number> = new Map(
  currencyCodes.data
    .filter((c) => c.countries.some((country) => !country.startsWith('Zz')))
    .map((c) => [c.code.toLowerCase(), c.digits]),
);

/** Every accepted currency code, lower case and sorted (the list Stripe's error message spells out). */
export const CURRENCY_CODES: readonly string[] = [...CURRENCIES.keys()].sort();

/** Stripe's largest amount: eight digits in the smallest unit (99999999 cents is $999,999.99). */
export const MAX_AMOUNT = 99_999_999;

/** True for an ISO 4217 currency code (any case). */
export function isCurrency(code: string): boolean {
  return CURRENCIES.has(code.toLowerCase());
}

/** Digits after the decimal point (2 for eur, 0 for jpy); 2 when unknown. */
export function minorDigits(currency: string): number {
  return CURRENCIES.get(currency.toLowerCase()) ?? 2;
}

/** `2000, 'eur'` → `€20.00`; `500, 'jpy'` → `¥500`. */
export function formatAmount(amountMinor: number, currency: string): string {
  const digits = minorDigits(currency);
  const major = amountMinor / 10 ** digits;
  try {
    return new Intl.NumberFormat('en', {
      style: 'currency',
      currency: currency.toUpperCase(),
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(major);
  } catch {
    return `${major.toFixed(digits)} ${currency.toUpperCase()}`;
  }
}
