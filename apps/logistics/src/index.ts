export { createApp, createLogistics, type Logistics, type LogisticsDeps } from './app.ts';
export { type LogisticsConfig, loadLogisticsConfig, logisticsConfigSchema } from './config.ts';
export { start } from './main.ts';
