// Stripe's test payment methods and card numbers (https://docs.stripe.com/testing), and what each does here.

export type Outcome =
  | { kind: 'succeed' }
  | { kind: 'decline'; code: string; declineCode: string; message: string }
  | { kind: 'authenticate' }
  | { kind: 'processing'; settles: 'succeed' | 'fail'; failureCode?: string; failureMessage?: string };

export interface TestMethod {
  type: 'card' | 'us_bank_account';
  brand: string;
  last4: string;
  outcome: Outcome;
}

const card = (brand: string, last4: string, outcome: Outcome = { kind: 'succeed' }): TestMethod => ({
  type: 'card',
  brand,
  last4,
  outcome,
});
const decline = (code: string, declineCode: string, message: string): Outcome => ({
  kind: 'decline',
  code,
  declineCode,
  message,
});
const DECLINED = 'Your card was declined.';

export const TEST_METHODS: Readonly<Record<string, TestMethod>> = {
  pm_card_visa: card('visa', '4242'),
  pm_card_mastercard: card('mastercard', '4444'),
  pm_card_amex: card('amex', '8431'),
  pm_card_bypassPending: card('visa', '0077'),
  pm_card_chargeDeclined: card('visa', '0002', decline('card_declined', 'generic_decline', DECLINED)),
  pm_card_chargeDeclinedInsufficientFunds: card(
    'visa',
    '9995',
    decline('card_declined', 'insufficient_funds', 'Your card has insufficient funds.'),
  ),
  pm_card_chargeDeclinedExpiredCard: card(
    'visa',
    '0069',
    decline('expired_card', 'expired_card', 'Your card has expired.'),
  ),
  pm_card_chargeDeclinedIncorrectCvc: card(
    'visa',
    '0127',
    decline('incorrect_cvc', 'incorrect_cvc', "Your card's security code is incorrect."),
  ),
  pm_card_chargeDeclinedProcessingError: card(
    'visa',
    '0119',
    decline(
      'processing_error',
      'processing_error',
      'An error occurred while processing your card. Try again in a little bit.',
    ),
  ),
  pm_card_chargeDeclinedFraudulent: card('visa', '0019', decline('card_declined', 'fraudulent', DECLINED)),
  pm_card_threeDSecureRequired: card('visa', '3155', { kind: 'authenticate' }),
  pm_card_threeDSecure2Required: card('visa', '3220', { kind: 'authenticate' }),
  pm_card_authenticationRequired: card('visa', '3184', { kind: 'authenticate' }),
  pm_usBankAccount_success: {
    type: 'us_bank_account',
    brand: 'STRIPE TEST BANK',
    last4: '6789',
    outcome: { kind: 'processing', settles: 'succeed' },
  },
  pm_usBankAccount_accountClosed: {
    type: 'us_bank_account',
    brand: 'STRIPE TEST BANK',
    last4: '0005',
    outcome: {
      kind: 'processing',
      settles: 'fail',
      failureCode: 'account_closed',
      failureMessage: "The customer's bank account has been closed.",
    },
  },
};

/** Card numbers the hosted page accepts, and the test method each stands for. */
export const TEST_CARDS: Readonly<Record<string, { method: string; label: string }>> = {
  '4242424242424242': { method: 'pm_card_visa', label: 'Visa — succeeds' },
  '5555555555554444': { method: 'pm_card_mastercard', label: 'Mastercard — succeeds' },
  '378282246310005': { method: 'pm_card_amex', label: 'American Express — succeeds (4-digit CVC)' },
  '4000000000000077': { method: 'pm_card_bypassPending', label: 'Visa — succeeds (funds available at once)' },
  '4000000000000002': { method: 'pm_card_chargeDeclined', label: 'Declined (generic_decline)' },
  '4000000000009995': {
    method: 'pm_card_chargeDeclinedInsufficientFunds',
    label: 'Declined (insufficient_funds)',
  },
  '4000000000000069': { method: 'pm_card_chargeDeclinedExpiredCard', label: 'Declined (expired_card)' },
  '4000000000000127': { method: 'pm_card_chargeDeclinedIncorrectCvc', label: 'Declined (incorrect_cvc)' },
  '4000002500003155': { method: 'pm_card_threeDSecureRequired', label: 'Needs 3-D Secure' },
  '4000002760003184': {
    method: 'pm_card_authenticationRequired',
    label: 'Needs 3-D Secure (authentication required)',
  },
};

/** Luhn check: a mistyped number is `incorrect_number`, as Stripe says it. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let n = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      n *= 2;
      if (n > 9) n -= 9;
    }
    sum += n;
  }
  return digits.length >= 12 && sum % 10 === 0;
}

export interface CardFieldError {
  code: string;
  message: string;
}

const cardError = (code: string, message: string): CardFieldError => ({ code, message });

/** American Express numbers start 34 or 37 and take a four-digit CVC; other brands take three. */
export const cvcLength = (digits: string) => (/^3[47]/.test(digits) ? 4 : 3);

/**
 * Expiry (`MM / YY`, `MM/YYYY`, `MMYY`) and CVC checked the way Stripe's test mode does: a past date is
 * `expired_card`, a malformed CVC `invalid_cvc`, an unfinished field `incomplete_*`. `now` is epoch ms.
 */
export function checkCardDetails(
  digits: string,
  expiry: string | undefined,
  cvc: string | undefined,
  now: number,
): CardFieldError | undefined {
  const exp = (expiry ?? '').replace(/\s/g, '');
  if (exp === '') return cardError('incomplete_expiry', "Your card's expiration date is incomplete.");
  const match = /^(\d{1,2})\/?(\d{2}|\d{4})$/.exec(exp);
  if (!match) {
    return /^\d{0,2}\/?\d?$/.test(exp)
      ? cardError('incomplete_expiry', "Your card's expiration date is incomplete.")
      : cardError('invalid_expiry_month', "Your card's expiration month is invalid.");
  }
  const month = Number(match[1]);
  const year = match[2]!.length === 2 ? 2000 + Number(match[2]) : Number(match[2]);
  if (month < 1 || month > 12)
    return cardError('invalid_expiry_month', "Your card's expiration month is invalid.");
  const today = new Date(now);
  const thisYear = today.getUTCFullYear();
  const thisMonth = today.getUTCMonth() + 1;
  // A card is good through the last day of its expiry month.
  if (year < thisYear || (year === thisYear && month < thisMonth))
    return cardError('expired_card', 'Your card has expired.');
  if (year > thisYear + 50)
    return cardError('invalid_expiry_year', "Your card's expiration year is invalid.");
  const code = (cvc ?? '').trim();
  const wanted = cvcLength(digits);
  if (code === '' || (/^\d+$/.test(code) && code.length < wanted))
    return cardError('incomplete_cvc', "Your card's security code is incomplete.");
  if (!/^\d+$/.test(code) || code.length !== wanted)
    return cardError('invalid_cvc', "Your card's security code is invalid.");
  return undefined;
}
