import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OutboxInputError } from './errors.ts';
import { signingSchemes } from './signing.ts';
import { fastParse, newMessageSchema, parseNewMessage } from './validate.ts';

const ABSENT = Symbol('absent');
const other = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.integer(),
  fc.boolean(),
  fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }),
  fc.constant({}),
  fc.constant(ABSENT),
);
const text = (max: number) =>
  fc.oneof(
    fc.string({ minLength: 1, maxLength: 12 }),
    fc.constant('x'.repeat(max)),
    fc.constant('é'.repeat(max)),
  );
const textEdge = (max: number) => fc.oneof(fc.constantFrom('', 'x'.repeat(max + 1)), other);
const headerName = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}$/);
const headerValue = fc.string({ maxLength: 8 }).filter((v) => !/[\r\n]/.test(v));
const validSecrets = fc.array(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 10 });
const optional = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, fc.constant(ABSENT));

/** Per field: [valid values, values at or past the edge of its rule]. */
const fields: Record<string, [fc.Arbitrary<unknown>, fc.Arbitrary<unknown>]> = {
  id: [
    optional(fc.stringMatching(/^msg_[0-9A-Za-z_-]{1,64}$/)),
    fc.oneof(fc.constantFrom('msg_', 'evt_123', 'msg_a b', `msg_${'a'.repeat(65)}`), other),
  ],
  endpointId: [text(200), textEdge(200)],
  url: [
    fc.constantFrom(
      'http://127.0.0.1:9/hook',
      'https://hooks.example.com/a?b=c',
      '  https://hooks.example.com/padded  ',
    ),
    fc.oneof(
      fc.constantFrom('ftp://hooks.example.com/', 'not a url', 'http://', '', 'https://a.test/\ttab'),
      other,
    ),
  ],
  eventType: [text(200), textEdge(200)],
  eventId: [text(200), textEdge(200)],
  body: [fc.string({ maxLength: 20 }), other],
  headers: [
    optional(fc.dictionary(headerName, headerValue, { maxKeys: 3 })),
    fc.oneof(
      fc.dictionary(fc.constantFrom('x a', 'x:a', '', 'x-é'), headerValue, { minKeys: 1, maxKeys: 1 }),
      fc.dictionary(headerName, fc.constantFrom('a\r\nb', 'a\nb', 'a\rb', 1), { minKeys: 1, maxKeys: 1 }),
      other,
    ),
  ],
  signing: [
    optional(fc.record({ scheme: fc.constantFrom(...signingSchemes), secrets: validSecrets })),
    fc.oneof(
      fc.record({ scheme: fc.constantFrom('md5', 'STRIPE', 1), secrets: validSecrets }),
      fc.record({
        scheme: fc.constantFrom(...signingSchemes),
        secrets: fc.oneof(
          fc.constant([]),
          fc.constant(['ok', '']),
          fc.constant([1]),
          fc.array(fc.constant('s'), { minLength: 11, maxLength: 11 }),
          other,
        ),
      }),
      fc.record({ scheme: fc.constant('slack'), secrets: validSecrets, extra: fc.constant(1) }),
      other,
    ),
  ],
  profile: [
    optional(fc.constantFrom('stripe', 'slack', 'standard')),
    fc.oneof(fc.constantFrom('forever', 'Stripe'), other),
  ],
  traceparent: [
    optional(fc.constant('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01')),
    fc.oneof(fc.constantFrom('nope', '00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01'), other),
  ],
  nextAttemptAt: [
    optional(fc.oneof(fc.integer({ min: 0, max: 2_000_000_000_000 }), fc.constant(Number.MAX_SAFE_INTEGER))),
    fc.oneof(fc.constantFrom(-1, -0, 1.5, Number.MAX_SAFE_INTEGER + 2, Number.NaN, Infinity, '5'), other),
  ],
  surprise: [fc.constant(ABSENT), fc.oneof(fc.constant(1), fc.constant(undefined))],
};

/** A valid message with, most of the time, one or two fields pushed to (or past) the edge of their rule. */
const message = fc
  .record(
    Object.fromEntries(
      Object.entries(fields).map(([name, [valid, edge]]) => [
        name,
        fc.oneof({ weight: 10, arbitrary: valid }, { weight: 1, arbitrary: edge }),
      ]),
    ),
  )
  .map((m) => Object.fromEntries(Object.entries(m).filter(([, v]) => v !== ABSENT)));

describe('the enqueue fast path decides exactly as the zod schema', () => {
  it('accepts what the schema accepts, with the same value, and nothing it rejects', () => {
    fc.assert(
      fc.property(message, (input) => {
        const schema = newMessageSchema.safeParse(input);
        // Twice: once checking the URL, once from the URL cache.
        expect(fastParse(input)).toEqual(fastParse(input));
        const fast = fastParse(input);
        if (schema.success) expect(fast).toEqual(schema.data);
        else expect(fast).toBeUndefined();
      }),
      { numRuns: 3000 },
    );
  });

  it('takes a URL it has never seen without the whole schema (a fan-out has one URL per subscriber)', () => {
    const input = {
      endpointId: 'sub_1',
      url: ` http://127.0.0.1:9/cb/${Math.random().toString(36).slice(2)}?k=v `,
      eventType: 'websub.content',
      eventId: 'pub_1',
      body: '{}',
      signing: { scheme: 'hub-sha256', secrets: ['s'] },
    };
    const fast = fastParse(input);
    expect(fast).toBeDefined();
    expect(fast).toEqual(newMessageSchema.parse(input));
    expect(fastParse({ ...input, url: 'ftp://127.0.0.1/never-seen' })).toBeUndefined();
  });

  it('parseNewMessage throws exactly when the schema rejects (or a signed message has no secret)', () => {
    fc.assert(
      fc.property(message, (input) => {
        const schema = newMessageSchema.safeParse(input);
        const unsignable =
          schema.success && schema.data.signing !== undefined && schema.data.signing.scheme !== 'none'
            ? schema.data.signing.secrets.length === 0
            : false;
        if (schema.success && !unsignable) expect(parseNewMessage(input)).toEqual(schema.data);
        else expect(() => parseNewMessage(input)).toThrow(OutboxInputError);
      }),
      { numRuns: 3000 },
    );
  });
});
