// What tests/ may import from ticker; nothing else imports an app.
export { loadTickerConfig, type TickerConfig, tickerConfigSchema } from './config.ts';
export { start } from './main.ts';
