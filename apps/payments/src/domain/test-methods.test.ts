import { describe, expect, it } from 'vitest';
import { checkCardDetails } from './test-methods.ts';

const VISA = '4242424242424242';
const AMEX = '378282246310005';
const at = (iso: string) => Date.parse(iso);

describe('hosted-page card details (expiry, CVC) as Stripe test mode checks them', () => {
  const now = at('2026-03-31T23:59:00Z');

  it('a card is good through the last day of its expiry month', () => {
    expect(checkCardDetails(VISA, '03 / 26', '123', now)).toBeUndefined();
    expect(checkCardDetails(VISA, '03/2026', '123', now)).toBeUndefined();
    expect(checkCardDetails(VISA, '0326', '123', now)).toBeUndefined();
    expect(checkCardDetails(VISA, '03/26', '123', at('2026-04-01T00:00:00Z'))?.code).toBe('expired_card');
    expect(checkCardDetails(VISA, '12/25', '123', now)).toEqual({
      code: 'expired_card',
      message: 'Your card has expired.',
    });
  });

  it.each([
    ['', 'incomplete_expiry'],
    ['1', 'incomplete_expiry'],
    ['12/', 'incomplete_expiry'],
    ['13/27', 'invalid_expiry_month'],
    ['00/27', 'invalid_expiry_month'],
    ['ab/cd', 'invalid_expiry_month'],
    ['12/99', 'invalid_expiry_year'],
  ])('expiry %j → %s', (expiry, code) => {
    expect(checkCardDetails(VISA, expiry, '123', now)?.code).toBe(code);
  });

  it.each([
    [VISA, '', 'incomplete_cvc'],
    [VISA, '12', 'incomplete_cvc'],
    [VISA, '12a', 'invalid_cvc'],
    [VISA, '1234', 'invalid_cvc'],
    [AMEX, '123', 'incomplete_cvc'],
    [AMEX, '12345', 'invalid_cvc'],
  ])('%s with CVC %j → %s', (card, cvc, code) => {
    expect(checkCardDetails(card, '12/28', cvc, now)?.code).toBe(code);
  });

  it('accepts 3 digits for Visa and 4 for American Express', () => {
    expect(checkCardDetails(VISA, '12/28', '123', now)).toBeUndefined();
    expect(checkCardDetails(AMEX, '12/28', '1234', now)).toBeUndefined();
  });
});
