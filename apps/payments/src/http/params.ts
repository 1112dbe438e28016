import { z } from 'zod';
import { CURRENCY_CODES, isCurrency } from '../domain/currencies.ts';
import { invalid } from '../domain/errors.ts';
import { type FormValue, formatParam } from './form.ts';

// Every parameter arrives as a string (or nested strings); these helpers read them Stripe's way.

export const str = (max = 5000) =>
  z.string({ error: 'Invalid string' }).max(max, `String must be at most ${max} characters`);
export const id = (prefix: string) =>
  z
    .string({ error: 'Invalid string' })
    .regex(new RegExp(`^${prefix}_[A-Za-z0-9_]{1,200}$`), `Invalid ${prefix}_ id`);

export const int = (min = 0, max = 99_999_999) =>
  z
    .string({ error: 'Invalid integer' })
    .regex(/^-?\d{1,12}$/, 'Invalid integer')
    .transform(Number)
    .pipe(z.number().min(min, `Must be at least ${min}`).max(max, `Must be at most ${max}`));

export const bool = () =>
  z
    .enum(['true', 'false'], { error: 'Invalid boolean: expected true or false' })
    .transform((v) => v === 'true');

/** An ISO 4217 code from the maintained list, lower-cased as Stripe returns it. */
export const currency = () =>
  z
    .string({ error: 'Invalid currency' })
    .refine((v) => isCurrency(v), {
      error: (issue) =>
        `Invalid currency: ${String(issue.input).slice(0, 20).toLowerCase()}. Stripe currently supports these currencies: ${CURRENCY_CODES.join(', ')}`,
      params: { verbatim: true },
    })
    .transform((v) => v.toLowerCase());

/** `metadata[k]=v` pairs (Stripe: 50 keys, 40-char keys, 500-char values); `metadata=` clears them. */
export const metadata = () =>
  z.union(
    [
      z.literal('').transform(() => ({}) as Record<string, string>),
      z
        .record(
          z.string().min(1).max(40, 'Metadata keys are at most 40 characters'),
          z.string({ error: 'Invalid string' }).max(500, 'Metadata values are at most 500 characters'),
        )
        .refine((m) => Object.keys(m).length <= 50, 'Metadata can have at most 50 keys'),
    ],
    { error: 'Invalid hash' },
  );

export const list = <T extends z.ZodType>(item: T) => z.array(item, { error: 'Invalid array' });
export const expand = () => list(str(200)).max(20).optional();

/** Unix seconds. */
export const timestamp = () => int(0, 99_999_999_999);

/** `created=T` or `created[gt|gte|lt|lte]=T`, as every Stripe list takes it; the plain form means exactly T. */
export const createdFilter = () =>
  z
    .union(
      [
        timestamp(),
        z.strictObject({
          gt: timestamp().optional(),
          gte: timestamp().optional(),
          lt: timestamp().optional(),
          lte: timestamp().optional(),
        }),
      ],
      { error: 'Invalid created: expected a unix timestamp or created[gt|gte|lt|lte]' },
    )
    .transform((v): CreatedRange => (typeof v === 'number' ? { gte: v, lte: v } : v));

export interface CreatedRange {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
}

/** A route that takes no parameters (a DELETE): any given is `parameter_unknown`. */
export const noParams = z.strictObject({});

/** Pagination alone (sub-lists such as a session's line items). */
export const pageParams = {
  limit: int(1, 100).optional(),
  starting_after: str(255).optional(),
  ending_before: str(255).optional(),
  expand: expand(),
};

/** The parameters every top-level list takes: pagination and the `created` filter. */
export const listParams = { ...pageParams, created: createdFilter().optional() };

/** Validates decoded parameters against a strict schema; a failure becomes a Stripe 400 naming the parameter. */
export function parseParams<S extends z.ZodType>(schema: S, params: Record<string, FormValue>): z.infer<S> {
  const result = schema.safeParse(params);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const param = formatParam([...issue.path, issue.keys[0]!]);
    throw invalid(`Received unknown parameter: ${param}`, param, 'parameter_unknown');
  }
  const param = formatParam(issue.path);
  if (issue.code === 'custom' && issue.params?.verbatim)
    throw invalid(issue.message, param, 'parameter_invalid');
  const value = valueAt(params, issue.path);
  if (value === undefined && issue.code === 'invalid_type') {
    throw invalid(`Missing required param: ${param}.`, param, 'parameter_missing');
  }
  if (issue.code === 'invalid_union' && typeof value !== 'string' && issue.message === 'Invalid hash') {
    throw invalid(`Invalid hash: ${param}`, param, 'parameter_invalid');
  }
  const shown = typeof value === 'string' ? `: ${value.length > 60 ? `${value.slice(0, 60)}…` : value}` : '';
  const code = issue.message.startsWith('Invalid integer')
    ? 'parameter_invalid_integer'
    : issue.message.startsWith('Invalid string')
      ? 'parameter_invalid_string'
      : 'parameter_invalid';
  throw invalid(
    `${issue.message}${issue.message.startsWith('Invalid') ? shown : ''} (${param || 'body'})`,
    param || undefined,
    code,
  );
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

const recurring = z.strictObject({
  interval: z.enum(['day', 'week', 'month', 'year'], {
    error: 'Invalid interval: must be one of day, week, month or year',
  }),
  interval_count: int(1, 1095).optional(),
});
export const taxBehavior = z.enum(['inclusive', 'exclusive', 'unspecified'], {
  error: 'Invalid tax_behavior: must be one of inclusive, exclusive or unspecified',
});
/** A price's amount fields, as Prices and a product's `default_price_data` take them. */
export const priceDataParams = {
  currency: currency(),
  unit_amount: int(0),
  recurring: recurring.optional(),
  tax_behavior: taxBehavior.optional(),
};

/** Defined filters only: `where` compares each given field of the stored object. */
export function definedFilters(
  fields: Record<string, string | number | boolean | readonly string[] | undefined>,
) {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Record<
    string,
    string | number | boolean | readonly string[]
  >;
}
