import { z } from 'zod';
import { OutboxInputError } from './errors.ts';
import { signingSchemes } from './signing.ts';
import type { ListMessagesQuery, NewMessage, RetryProfile } from './types.ts';

const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// One set of rules: the zod schema and the hand-written fast path below both use these.
const MESSAGE_ID = /^msg_[0-9A-Za-z_-]{1,64}$/;
const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;
const CR_OR_LF = /[\r\n]/;
const MAX_BODY = 10 * 1024 * 1024;
const PROFILES = ['stripe', 'slack', 'standard'] as const;
const profileSet = new Set<string>(PROFILES);

// mailto:, queue: and topic: go through the transport router (src/transport), which checks them.
const urlSchema = z.url({ protocol: /^(https?|mailto|queue|topic)$/ });

export const newMessageSchema = z.strictObject({
  id: z.string().regex(MESSAGE_ID, 'must look like msg_…').optional(),
  endpointId: z.string().min(1).max(200),
  url: urlSchema,
  eventType: z.string().min(1).max(200),
  eventId: z.string().min(1).max(200),
  body: z.string().max(MAX_BODY),
  headers: z
    .record(
      z.string().regex(headerName, 'invalid header name'),
      z.string().refine((v) => !CR_OR_LF.test(v), 'header values may not contain CR or LF'),
    )
    .optional(),
  signing: z
    .strictObject({
      scheme: z.string().refine((s) => (signingSchemes as string[]).includes(s), {
        message: `unknown signing scheme; use one of ${signingSchemes.join(', ')}`,
      }),
      secrets: z.array(z.string().min(1)).max(10),
    })
    .optional(),
  profile: z.enum(PROFILES).optional(),
  traceparent: z.string().regex(TRACEPARENT, 'not a W3C traceparent').optional(),
  nextAttemptAt: z.number().int().nonnegative().optional(),
});

function issuesOf(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(input)'}: ${i.message}`);
}

const MESSAGE_KEYS = new Set([
  'id',
  'endpointId',
  'url',
  'eventType',
  'eventId',
  'body',
  'headers',
  'signing',
  'profile',
  'traceparent',
  'nextAttemptAt',
]);
const schemeSet = new Set<string>(signingSchemes);

// URLs the schema has accepted, with the value it produced (it trims and drops tabs/newlines): most
// producers send to a handful of endpoint URLs, so the URL parse runs once per URL, not per message. A
// fan-out (the hub) has one URL per subscriber: a miss checks the URL alone, not the whole message.
const URL_CACHE_MAX = 4096;
const acceptedUrls = new Map<string, string>();

function acceptedUrl(raw: string): string | undefined {
  const known = acceptedUrls.get(raw);
  if (known !== undefined) return known;
  const result = urlSchema.safeParse(raw);
  if (!result.success) return undefined;
  if (acceptedUrls.size >= URL_CACHE_MAX) acceptedUrls.delete(acceptedUrls.keys().next().value as string);
  acceptedUrls.set(raw, result.data);
  return result.data;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};
const shortString = (v: unknown): v is string => typeof v === 'string' && v.length >= 1 && v.length <= 200;

/**
 * The common case without zod: returns the parsed message when `input` certainly passes the schema
 * (the same value the schema would produce), or undefined to let the schema decide and word the errors.
 */
export function fastParse(input: unknown): NewMessage | undefined {
  if (!isPlainObject(input)) return undefined;
  for (const key in input) if (!MESSAGE_KEYS.has(key)) return undefined;
  const { id, endpointId, url, eventType, eventId, body, headers, signing, profile, traceparent } = input;
  const nextAttemptAt = input.nextAttemptAt;
  if (id !== undefined && (typeof id !== 'string' || !MESSAGE_ID.test(id))) return undefined;
  if (!shortString(endpointId) || !shortString(eventType) || !shortString(eventId)) return undefined;
  if (typeof body !== 'string' || body.length > MAX_BODY) return undefined;
  if (typeof url !== 'string') return undefined;
  const parsedUrl = acceptedUrl(url);
  if (parsedUrl === undefined) return undefined;
  const out: NewMessage = { endpointId, url: parsedUrl, eventType, eventId, body };
  if (id !== undefined) out.id = id;
  if (headers !== undefined) {
    if (!isPlainObject(headers)) return undefined;
    const names = Object.keys(headers);
    // Symbol or non-enumerable keys: the schema decides.
    if (Reflect.ownKeys(headers).length !== names.length) return undefined;
    const copy: Record<string, string> = {};
    for (const name of names) {
      if (!headerName.test(name)) return undefined;
      const value = headers[name];
      if (typeof value !== 'string' || CR_OR_LF.test(value)) return undefined;
      copy[name] = value;
    }
    out.headers = copy;
  }
  if (signing !== undefined) {
    if (!isPlainObject(signing)) return undefined;
    for (const key in signing) if (key !== 'scheme' && key !== 'secrets') return undefined;
    const { scheme, secrets } = signing;
    if (typeof scheme !== 'string' || !schemeSet.has(scheme)) return undefined;
    if (!Array.isArray(secrets) || secrets.length > 10) return undefined;
    for (const secret of secrets) if (typeof secret !== 'string' || secret.length === 0) return undefined;
    out.signing = { scheme: scheme as NonNullable<NewMessage['signing']>['scheme'], secrets: [...secrets] };
  }
  if (profile !== undefined) {
    if (typeof profile !== 'string' || !profileSet.has(profile)) return undefined;
    out.profile = profile as RetryProfile;
  }
  if (traceparent !== undefined) {
    if (typeof traceparent !== 'string' || !TRACEPARENT.test(traceparent)) return undefined;
    out.traceparent = traceparent;
  }
  if (nextAttemptAt !== undefined) {
    if (typeof nextAttemptAt !== 'number' || !Number.isSafeInteger(nextAttemptAt) || nextAttemptAt < 0) {
      return undefined;
    }
    out.nextAttemptAt = nextAttemptAt;
  }
  return out;
}

/** Checks a message before it reaches the database; throws `OutboxInputError` listing every problem. */
export function parseNewMessage(input: unknown, where = 'enqueue'): NewMessage {
  let value = fastParse(input);
  if (value === undefined) {
    const result = newMessageSchema.safeParse(input);
    if (!result.success) throw new OutboxInputError(where, issuesOf(result.error));
    value = result.data as NewMessage;
  }
  if (value.signing && value.signing.scheme !== 'none' && value.signing.secrets.length === 0) {
    throw new OutboxInputError(where, ['signing.secrets: at least one secret is needed to sign']);
  }
  return value;
}

const listSchema = z.strictObject({
  status: z.enum(['pending', 'in_flight', 'delivered', 'dead', 'failed', 'canceled']).optional(),
  endpointId: z.string().min(1).optional(),
  limit: z.number().int().min(1).max(1000).optional(),
  before: z.string().min(1).optional(),
});

export function parseListQuery(
  input: unknown,
): Required<Pick<ListMessagesQuery, 'limit'>> & ListMessagesQuery {
  const result = listSchema.safeParse(input ?? {});
  if (!result.success) throw new OutboxInputError('listMessages', issuesOf(result.error));
  return { ...result.data, limit: result.data.limit ?? 50 };
}

export function requireId(id: unknown, where: string): string {
  if (typeof id !== 'string' || id.length === 0 || id.length > 200) {
    throw new OutboxInputError(where, ['id: expected a non-empty message id string']);
  }
  return id;
}

const replayFilterSchema = z.strictObject({
  endpointId: z.string().min(1).max(200).optional(),
  includeDelivered: z.boolean().optional(),
});

/** Checks a replay filter (`endpointId`, `includeDelivered`). */
export function parseReplayFilter(
  input: unknown,
  where: string,
): { endpointId: string | null; includeDelivered: boolean } {
  const result = replayFilterSchema.safeParse(input ?? {});
  if (!result.success) throw new OutboxInputError(where, issuesOf(result.error));
  return {
    endpointId: result.data.endpointId ?? null,
    includeDelivered: result.data.includeDelivered ?? false,
  };
}

export function requireTime(value: unknown, where: string): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Number.NaN;
  if (!Number.isFinite(ms))
    throw new OutboxInputError(where, ['since: expected a Date or epoch milliseconds']);
  return ms;
}
