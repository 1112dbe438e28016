import { z } from 'zod';
import type { MessageRow } from '../db/schema.ts';

const iso = (ms: number | null) => (ms == null ? null : new Date(ms).toISOString());

const addressSchema = z.object({ name: z.string(), address: z.string() }).meta({ id: 'Address' });

export const messageSummarySchema = z
  .object({
    id: z.string(),
    object: z.literal('message'),
    received_at: z.string(),
    envelope: z.object({ from: z.string(), to: z.array(z.string()) }),
    from: addressSchema.nullable(),
    to: z.array(addressSchema),
    cc: z.array(addressSchema),
    subject: z.string(),
    date: z.string().nullable().describe('The `Date` header.'),
    message_id: z.string().nullable(),
    size: z.number().int().describe('Bytes of raw source.'),
    snippet: z.string().describe('The first 200 characters of the text part.'),
    attachments: z.number().int(),
    sender: z.string().nullable().describe('The Hooklab service that sent it (`X-Hooklab-From`).'),
    trace_id: z.string().nullable(),
  })
  .meta({ id: 'MessageSummary' });

export const messageSchema = messageSummarySchema
  .extend({
    text: z.string().nullable(),
    html: z.string().nullable().describe('As sent; the inbox page shows it sandboxed.'),
    headers: z.array(z.object({ name: z.string(), value: z.string() })),
    attachments: z.array(
      z.object({
        filename: z.string().nullable(),
        content_type: z.string(),
        size: z.number().int(),
        content_id: z.string().nullable(),
      }),
    ),
    raw_url: z.string(),
  })
  .meta({ id: 'Message' });

export type MessageSummary = z.infer<typeof messageSummarySchema>;

const snippetOf = (text: string | null) => (text ?? '').replace(/\s+/g, ' ').trim().slice(0, 200);

export function messageSummary(m: MessageRow): MessageSummary {
  return {
    id: m.id,
    object: 'message',
    received_at: iso(m.receivedAt)!,
    envelope: { from: m.envelopeFrom, to: m.envelopeTo },
    from: m.from,
    to: m.to,
    cc: m.cc,
    subject: m.subject,
    date: iso(m.date),
    message_id: m.messageId,
    size: m.size,
    snippet: snippetOf(m.text),
    attachments: m.attachments.length,
    sender: m.sender,
    trace_id: m.traceId,
  };
}

export function messageRepresentation(m: MessageRow): z.infer<typeof messageSchema> {
  return {
    ...messageSummary(m),
    text: m.text,
    html: m.html,
    headers: m.headers.map(([name, value]) => ({ name, value })),
    attachments: m.attachments.map((a) => ({
      filename: a.filename,
      content_type: a.contentType,
      size: a.size,
      content_id: a.contentId,
    })),
    raw_url: `/api/v1/messages/${m.id}/raw`,
  };
}
