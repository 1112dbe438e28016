// What tests/ may import from notifier; nothing else imports an app.
export { loadNotifierConfig, type NotifierConfig, notifierConfigSchema } from './config.ts';
export { start } from './main.ts';
