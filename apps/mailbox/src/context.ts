import type { SqliteClient } from '@hooklab/db';
import type { ExchangeRecorder, Logger } from '@hooklab/service';
import type { MailboxConfig } from './config.ts';
import type { MailboxDb } from './db/index.ts';
import { InboxEvents } from './domain/inbox-events.ts';
import type { ReceiveDeps } from './domain/receive.ts';

/** Time as the app sees it; the delivery engine's `Clock` (@hooklab/webhooks) fits, so tests can move it. */
export interface Clock {
  now(): number;
}

/** mailbox's one deps container: everything createApp, the SMTP sink and the domain need. */
export interface MailboxContext {
  config: MailboxConfig;
  db: MailboxDb;
  sqlite: SqliteClient;
  clock: Clock;
  recorder: ExchangeRecorder;
  /** Arrivals and deletions, for the inbox page's live stream. */
  events: InboxEvents;
  /** The SMTP port really bound (0 until the sink listens); a function since port 0 is known only then. */
  smtpPort: () => number;
  logger?: Logger | undefined;
}

/** Builds the context on an open, migrated database; what is not given gets its real default. */
export function createMailboxContext(
  deps: Pick<MailboxContext, 'config' | 'recorder' | 'db' | 'sqlite'> & Partial<MailboxContext>,
): MailboxContext {
  return {
    clock: { now: () => Date.now() },
    events: new InboxEvents(),
    smtpPort: () => deps.config.SMTP_PORT,
    ...deps,
  };
}

/** The SMTP URL senders use to reach this mailbox (`SMTP_URL` in the other apps). */
export function smtpUrlOf(ctx: MailboxContext): string {
  const host = ctx.config.HOST === '0.0.0.0' ? '127.0.0.1' : ctx.config.HOST;
  return `smtp://${host.includes(':') ? `[${host}]` : host}:${ctx.smtpPort()}`;
}

/** What receiving a message needs, from the context. */
export function receiveDepsOf(ctx: MailboxContext): ReceiveDeps {
  return {
    db: ctx.db,
    clock: ctx.clock,
    events: ctx.events,
    recorder: ctx.recorder,
    maxMessages: ctx.config.MAILBOX_MAX_MESSAGES,
    smtpUrl: () => smtpUrlOf(ctx),
  };
}
