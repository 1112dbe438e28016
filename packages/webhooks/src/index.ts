export * from './outbox/index.ts';
export * from './receiver/index.ts';
export * from './signing/index.ts';
export * from './ssrf/index.ts';
export * from './transport/index.ts';
export * from './websub/index.ts';
