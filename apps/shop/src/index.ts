export { type ShopConfig, type ShopConfigInput, shopConfigSchema } from './config.ts';
export { start } from './main.ts';
