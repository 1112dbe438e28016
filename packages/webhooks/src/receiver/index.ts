export { createMemoryInbox, type Inbox, type MemoryInboxOptions } from './inbox.ts';
export type { ReceiverProblemCode } from './problem.ts';
export { createSqliteInbox, type SqliteInbox, type SqliteInboxOptions } from './sqlite-inbox.ts';
export {
  type ReceivedWebhook,
  type VerifyWebhookOptions,
  verifyWebhook,
  type WebhookEnv,
} from './verify-webhook.ts';
