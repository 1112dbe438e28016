export { createApp, createDomain, type PaymentsDeps } from './app.ts';
export { type PaymentsConfig, paymentsConfigSchema } from './config.ts';
export { start } from './main.ts';
