import { paymentsKeys, stripeErrorOf, stripeFor } from './payments-client.ts';
import { LOGISTICS_CRUD_STEPS, type LogisticsCrudResult, logisticsCrudSteps } from './s01-logistics-steps.ts';
import { check, defineScenario, type ScenarioContext } from './scenario.ts';

export interface PaymentsCrudResult {
  paymentIntentId: string;
  listed: number;
  errors: { status: number; type: string; code?: string; param?: string; message: string }[];
}

interface StripeErrorBody {
  type: string;
  code?: string;
  param?: string;
  message: string;
}

/** Checks a Stripe error body: its `type`, `code` (and `param`), and that the message says what happened. */
function expectStripeError(
  error: StripeErrorBody | undefined,
  want: { type: string; code: string; param?: string; says: string },
): void {
  check(
    error?.type === want.type &&
      error.code === want.code &&
      (want.param === undefined || error.param === want.param) &&
      error.message?.includes(want.says),
    `expected a Stripe error {type: ${want.type}, code: ${want.code}${want.param ? `, param: ${want.param}` : ''}} saying "${want.says}"`,
    error,
  );
}

export const PAYMENTS_CRUD_STEPS = [
  'Shop creates a PaymentIntent with the official stripe SDK (form body, metadata)',
  'Shop reads it back, updates it, and lists PaymentIntents (newest first, paginated)',
  'No key → 401 invalid_request_error, code api_key_missing: the error body says what is missing',
  'Read-only restricted key: reads work, a write → 403 permission_error, code insufficient_permissions',
  'Another account’s secret key asks for our PaymentIntent → 404 invalid_request_error, code resource_missing (param intent)',
];

/** The payments half of S01: CRUD with the SDK, then 401, 403 and 404 with their error bodies. `first` is the index of its first step. */
export async function paymentsCrudSteps(ctx: ScenarioContext, first = 0): Promise<PaymentsCrudResult> {
  const keys = paymentsKeys(ctx);
  const shop = stripeFor(ctx, keys.secret);
  const errors: PaymentsCrudResult['errors'] = [];

  ctx.step(first);
  const pi = await shop.paymentIntents.create({
    amount: 12900,
    currency: 'eur',
    description: 'Linen wrap dress',
    metadata: { order_id: 'ord_s01' },
  });
  check(
    pi.status === 'requires_payment_method' && pi.metadata.order_id === 'ord_s01',
    'PaymentIntent created with its metadata',
    pi,
  );
  ctx.say(`created ${pi.id}: ${pi.amount} ${pi.currency}, status ${pi.status}`, {
    id: pi.id,
    requestId: pi.lastResponse.requestId,
  });

  ctx.step(first + 1);
  const read = await shop.paymentIntents.retrieve(pi.id);
  check(read.id === pi.id && read.amount === 12900, 'the PaymentIntent reads back as created', read);
  const updated = await shop.paymentIntents.update(pi.id, { amount: 13900, metadata: { gift_wrap: 'yes' } });
  check(
    updated.amount === 13900 &&
      updated.metadata.order_id === 'ord_s01' &&
      updated.metadata.gift_wrap === 'yes',
    'update changed the amount and merged metadata',
    updated,
  );
  ctx.say(`updated ${pi.id}: amount ${updated.amount}, metadata ${JSON.stringify(updated.metadata)}`);
  const list = await shop.paymentIntents.list({ limit: 3 });
  check(
    list.object === 'list' && list.data[0]?.id === pi.id,
    'the list is newest first and starts with our PaymentIntent',
    list,
  );
  ctx.say(`listed ${list.data.length} PaymentIntents (has_more: ${list.has_more})`);

  ctx.step(first + 2);
  const res = await ctx.fetch(`${ctx.urls.payments}/v1/payment_intents/${pi.id}`);
  const noKey = (await res.json()) as { error: StripeErrorBody };
  check(
    res.status === 401 && res.headers.get('content-type')?.startsWith('application/json'),
    `no key → expected a 401 JSON answer, got ${res.status} ${res.headers.get('content-type')}`,
    noKey,
  );
  expectStripeError(noKey.error, {
    type: 'invalid_request_error',
    code: 'api_key_missing',
    says: 'You did not provide an API key',
  });
  errors.push({ status: res.status, ...noKey.error });
  ctx.say(`no key → ${res.status} ${noKey.error.type} ${noKey.error.code}: ${noKey.error.message}`, noKey);

  ctx.step(first + 3);
  const readOnly = stripeFor(ctx, keys.restricted);
  check((await readOnly.paymentIntents.retrieve(pi.id)).id === pi.id, 'the read-only key can read');
  const forbidden = await stripeErrorOf(() => readOnly.paymentIntents.update(pi.id, { amount: 100 }));
  check(
    forbidden.statusCode === 403 && forbidden.type === 'StripePermissionError',
    `a write with the read-only key → expected 403 StripePermissionError, got ${forbidden.statusCode} ${forbidden.type}`,
    forbidden.raw,
  );
  expectStripeError(forbidden.raw as StripeErrorBody, {
    type: 'permission_error',
    code: 'insufficient_permissions',
    says: 'does not have the required permissions',
  });
  errors.push({
    status: 403,
    type: String(forbidden.rawType),
    code: forbidden.code,
    message: forbidden.message,
  });
  ctx.say(
    `read-only key writes → 403 ${forbidden.rawType} ${forbidden.code}: ${forbidden.message}`,
    forbidden.raw,
  );

  ctx.step(first + 4);
  const other = stripeFor(ctx, keys.other);
  const missing = await stripeErrorOf(() => other.paymentIntents.retrieve(pi.id));
  check(missing.statusCode === 404, `another account → expected 404, got ${missing.statusCode}`, missing.raw);
  expectStripeError(missing.raw as StripeErrorBody, {
    type: 'invalid_request_error',
    code: 'resource_missing',
    param: 'intent',
    says: `No such payment_intent: '${pi.id}'`,
  });
  errors.push({
    status: 404,
    type: String(missing.rawType),
    code: missing.code,
    param: missing.param,
    message: missing.message,
  });
  ctx.say(
    `other account → 404 ${missing.rawType} ${missing.code} (param ${missing.param}): ${missing.message}`,
    missing.raw,
  );

  return { paymentIntentId: pi.id, listed: list.data.length, errors };
}

export const s01 = defineScenario<{ payments: PaymentsCrudResult; logistics: LogisticsCrudResult }>({
  id: 'S01',
  title: 'API: request–response CRUD, with rights checked',
  story:
    'The shop talks to its providers by API calls: it creates, reads, updates and lists PaymentIntents with ' +
    'the official stripe SDK (form bodies) and shipments with the logistics JSON API, and gets a structured ' +
    'answer every time. Each provider checks rights on every call: no key is a 401, a read-only key that ' +
    'writes is a 403, and another tenant’s object is a 404 — each with an error body carrying a ' +
    'machine-readable code, in that provider’s own format.',
  actors: ['payments', 'logistics'],
  steps: [...PAYMENTS_CRUD_STEPS, ...LOGISTICS_CRUD_STEPS],
  async run(ctx) {
    const payments = await paymentsCrudSteps(ctx);
    const logistics = await logisticsCrudSteps(ctx, PAYMENTS_CRUD_STEPS.length);
    return { payments, logistics };
  },
});
