export * from './scenario.ts';
export { scenarios } from './registry.ts';
