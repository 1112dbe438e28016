// What tests/ may import from hub; nothing else imports an app.
export { type HubConfig, hubConfigSchema, loadHubConfig } from './config.ts';
export { start } from './main.ts';
