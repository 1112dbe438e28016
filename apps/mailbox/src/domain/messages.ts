import { randomHex } from '@hooklab/service';
import { and, desc, eq, lt, type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import { type AddressObject, simpleParser } from 'mailparser';
import type { MailboxDb } from '../db/index.ts';
import { type Address, type AttachmentInfo, type MessageRow, messages } from '../db/schema.ts';
import type { InboxEvents } from './inbox-events.ts';

/** A message refused after DATA: the SMTP reply code and text the client gets. */
export class MessageRejected extends Error {
  constructor(
    readonly responseCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'MessageRejected';
  }
}

export interface Envelope {
  from: string;
  to: string[];
}

export interface StoreDeps {
  db: MailboxDb;
  clock: { now(): number };
  events: InboxEvents;
  maxMessages: number;
}

/** A message as mailparser reads it, ready to store (raw source kept byte for byte). */
export type ParsedMessage = Omit<MessageRow, 'seq' | 'id' | 'receivedAt' | 'sender' | 'traceId'> & {
  /** `X-Hooklab-From` and `traceparent`, as sent. */
  hooklabFrom: string | null;
  traceparent: string | null;
};

function addressesOf(field: AddressObject | AddressObject[] | undefined): Address[] {
  const out: Address[] = [];
  const walk = (list: { name: string; address?: string; group?: unknown[] }[]) => {
    for (const a of list) {
      if (a.group) walk(a.group as typeof list);
      else if (a.address) out.push({ name: a.name ?? '', address: a.address });
    }
  };
  for (const obj of Array.isArray(field) ? field : field ? [field] : []) walk(obj.value);
  return out;
}

const unfold = (value: string) => value.replace(/\r?\n[ \t]+/g, ' ').trim();

/**
 * Parses a raw message with mailparser. A message with no header section at all is refused (554 5.6.0):
 * mailparser reads almost anything, so "no header field" is what "does not parse" means here.
 */
export async function parseMessage(raw: Buffer, envelope: Envelope): Promise<ParsedMessage> {
  let parsed: Awaited<ReturnType<typeof simpleParser>>;
  try {
    parsed = await simpleParser(raw, { skipTextToHtml: true });
  } catch {
    throw new MessageRejected(554, '5.6.0 Message could not be parsed');
  }
  // mailparser reports a body line where headers should be as a header with no name.
  const headers: [string, string][] = parsed.headerLines
    .filter((h) => h.key !== '' && h.line.includes(':'))
    .map((h) => {
      const colon = h.line.indexOf(':');
      return [h.key.toLowerCase(), unfold(colon >= 0 ? h.line.slice(colon + 1) : '')];
    });
  if (headers.length === 0)
    throw new MessageRejected(554, '5.6.0 Message could not be parsed: it has no header fields');
  const header = (name: string) => headers.find(([k]) => k === name)?.[1] ?? null;
  const from = addressesOf(parsed.from)[0] ?? null;
  const to = addressesOf(parsed.to);
  const cc = addressesOf(parsed.cc);
  const attachments: AttachmentInfo[] = parsed.attachments.map((a) => ({
    filename: a.filename ?? null,
    contentType: a.contentType,
    size: a.size,
    contentId: a.related ? (a.cid ?? null) : null,
  }));
  const recipients = new Set(
    [...envelope.to, ...to.map((a) => a.address), ...cc.map((a) => a.address)].map((a) => a.toLowerCase()),
  );
  const date =
    parsed.date && !Number.isNaN(parsed.date.getTime()) && header('date') ? parsed.date.getTime() : null;
  return {
    envelopeFrom: envelope.from,
    envelopeTo: envelope.to,
    from,
    to,
    cc,
    subject: parsed.subject ?? '',
    date,
    messageId: parsed.messageId ?? null,
    text: parsed.text ?? null,
    html: parsed.html === false ? null : (parsed.html ?? null),
    headers,
    attachments,
    size: raw.length,
    raw,
    recipients: [...recipients].join(' '),
    hooklabFrom: header('x-hooklab-from'),
    traceparent: header('traceparent'),
  };
}

/** Stores a parsed message, drops the oldest beyond the limit, and tells the open inbox pages. */
export function storeMessage(
  deps: StoreDeps,
  msg: ParsedMessage,
  meta: { sender: string | null; traceId: string | null },
): MessageRow {
  const { hooklabFrom: _f, traceparent: _t, ...fields } = msg;
  const row = deps.db.transaction((tx) => {
    const inserted = tx
      .insert(messages)
      .values({ ...fields, id: `msg_${randomHex(12)}`, receivedAt: deps.clock.now(), ...meta })
      .returning()
      .get();
    // Keep the newest maxMessages: everything at or below the cut-off seq goes.
    const cut = tx
      .select({ seq: messages.seq })
      .from(messages)
      .orderBy(desc(messages.seq))
      .limit(1)
      .offset(deps.maxMessages)
      .get();
    if (cut) tx.delete(messages).where(sql`${messages.seq} <= ${cut.seq}`).run();
    return inserted;
  });
  deps.events.emit({ type: 'created', id: row.id });
  return row;
}

export interface ListQuery {
  limit: number;
  /** The id of the last message of the previous page (newest first). */
  startingAfter?: string | undefined;
  /** A recipient address (envelope, To or Cc), matched whole and case-insensitively. */
  to?: string | undefined;
  /** Words looked for in subject, sender, recipients and text. */
  q?: string | undefined;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
const contains = (column: SQLWrapper, needle: string) =>
  sql`lower(${column}) LIKE ${`%${escapeLike(needle.toLowerCase())}%`} ESCAPE '\\'`;

/** Thrown when `starting_after` names no stored message. */
export class UnknownCursor extends Error {}

/** A page of messages, newest first, with whether there are more. */
export function listMessages(
  db: MailboxDb,
  q: ListQuery,
): { data: MessageRow[]; hasMore: boolean; total: number } {
  const where: SQL[] = [];
  if (q.to)
    where.push(
      sql`(' ' || ${messages.recipients} || ' ') LIKE ${`% ${escapeLike(q.to.toLowerCase())} %`} ESCAPE '\\'`,
    );
  if (q.q)
    for (const word of q.q.trim().split(/\s+/).filter(Boolean)) {
      const fields: SQLWrapper[] = [
        messages.subject,
        sql`coalesce(json_extract(${messages.from}, '$.name') || ' ' || json_extract(${messages.from}, '$.address'), '')`,
        messages.recipients,
        sql`coalesce(${messages.text}, '')`,
      ];
      where.push(
        sql`(${sql.join(
          fields.map((f) => contains(f, word)),
          sql` OR `,
        )})`,
      );
    }
  const filter = where.length ? and(...where) : undefined;
  const total = db.select({ n: sql<number>`count(*)` }).from(messages).where(filter).get()?.n ?? 0;
  if (q.startingAfter) {
    const after = db
      .select({ seq: messages.seq })
      .from(messages)
      .where(eq(messages.id, q.startingAfter))
      .get();
    if (!after) throw new UnknownCursor(q.startingAfter);
    where.push(lt(messages.seq, after.seq));
  }
  const rows = db
    .select()
    .from(messages)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(messages.seq))
    .limit(q.limit + 1)
    .all();
  return { data: rows.slice(0, q.limit), hasMore: rows.length > q.limit, total };
}

export function getMessage(db: MailboxDb, id: string): MessageRow | undefined {
  return db.select().from(messages).where(eq(messages.id, id)).get();
}

/** Deletes one message; false when there was none. */
export function deleteMessage(db: MailboxDb, events: InboxEvents, id: string): boolean {
  const gone = db.delete(messages).where(eq(messages.id, id)).run().changes > 0;
  if (gone) events.emit({ type: 'deleted', id });
  return gone;
}

/** Deletes every message; returns how many there were. */
export function deleteAllMessages(db: MailboxDb, events: InboxEvents): number {
  const n = db.delete(messages).run().changes;
  events.emit({ type: 'cleared' });
  return n;
}
