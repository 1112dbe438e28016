export { scenarios } from './registry.ts';
export * from './scenario.ts';
