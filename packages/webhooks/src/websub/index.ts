export * from './callback-server.ts';
export * from './discovery.ts';
export * from './errors.ts';
export * from './links.ts';
export * from './subscriber.ts';
