export { scenarios } from './registry.ts';
export type { PaymentsCrudResult } from './s01-api-crud.ts';
export type { LogisticsCrudResult } from './s01-logistics-steps.ts';
export type { S09Result } from './s09-delivery-guarantees.ts';
export * from './scenario.ts';
