// What tests/ may import from slack; nothing else imports an app.
export { loadSlackConfig, type SlackConfig, slackConfigSchema } from './config.ts';
export { start } from './main.ts';
