import { baseConfigSchema, loadConfig } from '@hooklab/service';
import { z } from 'zod';

const MB = 1024 * 1024;

/**
 * Every env variable mailbox reads, each with a default that works on a laptop. The only file that reads
 * the environment.
 */
export const mailboxConfigSchema = baseConfigSchema.extend({
  /** Where the SMTP sink listens (on HOST); 0 picks a free port. */
  SMTP_PORT: z.coerce.number().int().min(0).max(65_535).default(2525),
  /** Largest message accepted, in bytes: announced with the SIZE extension, refused over it with 552. */
  MAILBOX_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * MB)
    .default(10 * MB),
  /** Messages kept; the oldest are dropped beyond it. */
  MAILBOX_MAX_MESSAGES: z.coerce.number().int().min(1).max(100_000).default(1000),
  /** Recipients one message may have; more get 452. */
  MAILBOX_MAX_RECIPIENTS: z.coerce.number().int().min(1).max(1000).default(100),
  /** Largest page the list route returns. */
  MAILBOX_PAGE_LIMIT: z.coerce.number().int().min(1).max(1000).default(100),
});

export type MailboxConfig = z.infer<typeof mailboxConfigSchema>;

/** Reads mailbox's config from `env`, listing every problem at once. */
export function loadMailboxConfig(env: Record<string, string | undefined>): MailboxConfig {
  return loadConfig(mailboxConfigSchema, env);
}
