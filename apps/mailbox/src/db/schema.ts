import { blob, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** A mailbox address as the message's headers give it. */
export interface Address {
  name: string;
  address: string;
}

export interface AttachmentInfo {
  filename: string | null;
  contentType: string;
  size: number;
  /** Set for inline parts (`cid:` images), which the HTML view shows in place. */
  contentId: string | null;
}

export const messages = sqliteTable(
  'messages',
  {
    /** Arrival order: newest first is `seq` descending, whatever the clock did. */
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    id: text('id').notNull().unique(),
    receivedAt: integer('received_at').notNull(),
    /** The SMTP envelope: MAIL FROM and every RCPT TO (Bcc recipients show only here). */
    envelopeFrom: text('envelope_from').notNull(),
    envelopeTo: text('envelope_to', { mode: 'json' }).notNull().$type<string[]>(),
    from: text('from', { mode: 'json' }).$type<Address | null>(),
    to: text('to', { mode: 'json' }).notNull().$type<Address[]>(),
    cc: text('cc', { mode: 'json' }).notNull().$type<Address[]>(),
    subject: text('subject').notNull(),
    /** The `Date` header, epoch ms; null when absent or unreadable. */
    date: integer('date'),
    messageId: text('message_id'),
    text: text('text'),
    html: text('html'),
    /** Every header line in order, as [lower-case name, value]. */
    headers: text('headers', { mode: 'json' }).notNull().$type<[string, string][]>(),
    attachments: text('attachments', { mode: 'json' }).notNull().$type<AttachmentInfo[]>(),
    size: integer('size').notNull(),
    raw: blob('raw', { mode: 'buffer' }).notNull(),
    /** Lower-case addresses of every recipient (envelope, To, Cc), space separated, for `?to=`. */
    recipients: text('recipients').notNull(),
    /** Which service sent it (`X-Hooklab-From`) and in which trace (`traceparent`), for the console. */
    sender: text('sender'),
    traceId: text('trace_id'),
  },
  (t) => [index('messages_received_at').on(t.receivedAt)],
);

export type MessageRow = typeof messages.$inferSelect;
