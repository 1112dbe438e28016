export { loadPaymentsConfig, type PaymentsConfig, paymentsConfigSchema } from './config.ts';
export { type PaymentsStartOptions, start } from './main.ts';
