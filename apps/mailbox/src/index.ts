// What tests/ may import from mailbox; nothing else imports an app.
export { loadMailboxConfig, type MailboxConfig, mailboxConfigSchema } from './config.ts';
export { start } from './main.ts';
