// What tests/ and the launchers may import from logistics; nothing else imports an app.
export { type LogisticsConfig, loadLogisticsConfig, logisticsConfigSchema } from './config.ts';
export { start } from './main.ts';
