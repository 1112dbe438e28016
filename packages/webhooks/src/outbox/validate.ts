import { z } from 'zod';
import { OutboxInputError } from './errors.ts';
import { signingSchemes } from './signing.ts';
import type { ListMessagesQuery, NewMessage } from './types.ts';

const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const newMessageSchema = z.strictObject({
  id: z
    .string()
    .regex(/^msg_[0-9A-Za-z_-]{1,64}$/, 'must look like msg_…')
    .optional(),
  endpointId: z.string().min(1).max(200),
  url: z.url({ protocol: /^https?$/ }),
  eventType: z.string().min(1).max(200),
  eventId: z.string().min(1).max(200),
  body: z.string().max(10 * 1024 * 1024),
  headers: z
    .record(
      z.string().regex(headerName, 'invalid header name'),
      z.string().refine((v) => !/[\r\n]/.test(v), 'header values may not contain CR or LF'),
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
  profile: z.enum(['stripe', 'slack', 'standard']).optional(),
  traceparent: z
    .string()
    .regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/, 'not a W3C traceparent')
    .optional(),
  nextAttemptAt: z.number().int().nonnegative().optional(),
});

function issuesOf(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(input)'}: ${i.message}`);
}

/** Checks a message before it reaches the database; throws `OutboxInputError` listing every problem. */
export function parseNewMessage(input: unknown, where = 'enqueue'): NewMessage {
  const result = newMessageSchema.safeParse(input);
  if (!result.success) throw new OutboxInputError(where, issuesOf(result.error));
  const value = result.data as NewMessage;
  if (value.signing && value.signing.scheme !== 'none' && value.signing.secrets.length === 0) {
    throw new OutboxInputError(where, ['signing.secrets: at least one secret is needed to sign']);
  }
  return value;
}

const listSchema = z.strictObject({
  status: z.enum(['pending', 'in_flight', 'delivered', 'dead', 'canceled']).optional(),
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

export function requireTime(value: unknown, where: string): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Number.NaN;
  if (!Number.isFinite(ms))
    throw new OutboxInputError(where, ['since: expected a Date or epoch milliseconds']);
  return ms;
}
