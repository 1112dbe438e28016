export { createApp } from './app.ts';
export { type ConsoleConfig, consoleConfigSchema } from './config.ts';
export type { ConsoleContext } from './context.ts';
export { start } from './main.ts';
