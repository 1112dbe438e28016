import {
  childSpan,
  type ExchangeRecorder,
  parseTraceparent,
  SERVICE_NAMES,
  type TraceContext,
} from '@hooklab/service';
import type { MailboxDb } from '../db/index.ts';
import type { InboxEvents } from './inbox-events.ts';
import {
  type Envelope,
  MessageRejected,
  type ParsedMessage,
  parseMessage,
  storeMessage,
} from './messages.ts';

export interface ReceiveDeps {
  db: MailboxDb;
  clock: { now(): number };
  events: InboxEvents;
  recorder: ExchangeRecorder;
  maxMessages: number;
  /** Where the sink listens, for the recorded exchange's URL. */
  smtpUrl: () => string;
}

const SENDER = /^[a-z][a-z0-9-]{0,39}$/;
/** The headers worth showing on the console's e-mail arrow; the body is the text part. */
const SHOWN = [
  'from',
  'to',
  'cc',
  'subject',
  'date',
  'message-id',
  'content-type',
  'traceparent',
  'x-hooklab-from',
  'x-hooklab-event-id',
  'x-hooklab-event-type',
];

/**
 * Which service sent it: its `X-Hooklab-From` header (the mailto: transport sets it), else the envelope
 * sender's local part when it names a Hooklab service (`notifier@…`), else `client`.
 */
export function senderOf(hooklabFrom: string | null, envelopeFrom: string): string {
  const named = hooklabFrom?.trim().toLowerCase();
  if (named && SENDER.test(named)) return named;
  const local = envelopeFrom.split('@')[0]?.toLowerCase() ?? '';
  return (SERVICE_NAMES as string[]).includes(local) ? local : 'client';
}

function record(
  deps: ReceiveDeps,
  e: {
    from: string;
    trace: TraceContext;
    envelope: Envelope;
    status: number;
    reply: string;
    msg?: ParsedMessage;
  },
  startedAt: number,
) {
  const headers: Record<string, string> = {};
  for (const [k, v] of e.msg?.headers ?? []) if (SHOWN.includes(k) && !(k in headers)) headers[k] = v;
  deps.recorder.record({
    kind: 'email',
    direction: 'in',
    from: e.from,
    to: 'mailbox',
    method: 'SMTP',
    url: `${deps.smtpUrl()}/${e.envelope.to.map(encodeURIComponent).join(',')}`,
    status: e.status,
    durationMs: performance.now() - startedAt,
    traceId: e.trace.traceId,
    spanId: e.trace.spanId,
    parentSpanId: e.trace.parentSpanId,
    requestHeaders: headers,
    responseHeaders: {},
    requestBody: e.msg?.text ?? undefined,
    responseBody: e.reply,
  });
}

/**
 * One message off the wire: parse (MessageRejected when it does not), store, tell the inbox pages, and
 * record it as an `email` exchange in the sender's trace. Returns the 250 reply text.
 */
export async function receiveMessage(deps: ReceiveDeps, raw: Buffer, envelope: Envelope): Promise<string> {
  const startedAt = performance.now();
  let msg: ParsedMessage;
  try {
    msg = await parseMessage(raw, envelope);
  } catch (err) {
    // Refused mail shows on the console too, as an e-mail arrow with the SMTP reply code.
    if (err instanceof MessageRejected)
      record(
        deps,
        {
          from: senderOf(null, envelope.from),
          trace: childSpan(null),
          envelope,
          status: err.responseCode,
          reply: err.message,
        },
        startedAt,
      );
    throw err;
  }
  const trace = childSpan(parseTraceparent(msg.traceparent));
  const from = senderOf(msg.hooklabFrom, envelope.from);
  const row = storeMessage(deps, msg, { sender: from, traceId: trace.traceId });
  const reply = `OK: message queued as ${row.id}`;
  record(deps, { from, trace, envelope, status: 250, reply, msg }, startedAt);
  return reply;
}

/** A message refused for its size: recorded (552) so the console shows the refusal; nothing is stored. */
export function recordOversize(deps: ReceiveDeps, envelope: Envelope, bytes: number, limit: number): void {
  record(
    deps,
    {
      from: senderOf(null, envelope.from),
      trace: childSpan(null),
      envelope,
      status: 552,
      reply: `message of ${bytes} bytes exceeds fixed maximum message size ${limit}`,
    },
    performance.now(),
  );
}
