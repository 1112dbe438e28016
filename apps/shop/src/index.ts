export { createApp, createShop } from './app.ts';
export { type ShopConfig, shopConfigSchema } from './config.ts';
export { start } from './main.ts';
