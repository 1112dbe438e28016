import { Hono } from 'hono';
import type { MailboxContext } from '../context.ts';
import { smtpUrlOf } from '../context.ts';
import { listMessages } from '../domain/messages.ts';

/** `GET /api/v1/info`: where to send mail (the SMTP port really bound) and the limits it enforces. */
export function infoRoutes(ctx: MailboxContext) {
  return new Hono().get('/', (c) => {
    c.header('cache-control', 'no-store');
    return c.json({
      service: 'mailbox',
      smtp: { host: ctx.config.HOST, port: ctx.smtpPort(), url: smtpUrlOf(ctx) },
      limits: {
        max_message_bytes: ctx.config.MAILBOX_MAX_BYTES,
        max_messages: ctx.config.MAILBOX_MAX_MESSAGES,
        max_recipients: ctx.config.MAILBOX_MAX_RECIPIENTS,
      },
      messages: listMessages(ctx.db, { limit: 1 }).total,
    });
  });
}
