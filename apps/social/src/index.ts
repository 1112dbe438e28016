// What tests/ may import from social; nothing else imports an app.
export { loadSocialConfig, type SocialConfig, socialConfigSchema } from './config.ts';
export { start } from './main.ts';
