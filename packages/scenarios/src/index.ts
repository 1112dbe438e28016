export * from './catalog.ts';
export { scenarios } from './registry.ts';
export * from './runner.ts';
export type { PaymentsCrudResult } from './s01-api-crud.ts';
export type { LogisticsCrudResult } from './s01-logistics-steps.ts';
export type { PollingVsWebhookResult } from './s02-polling-vs-webhook.ts';
export type { S03Result } from './s03-register-callback.ts';
export type { OrderFulfilmentResult } from './s04-order-fulfilment.ts';
export { buyAndPay, getOrder } from './s04-order-fulfilment.ts';
export type { S05Result } from './s05-async-request-reply.ts';
export type { S06Result } from './s06-third-party.ts';
export type { S07Result } from './s07-claim-check.ts';
export type { S08Result } from './s08-non-http.ts';
export type { S09Result } from './s09-delivery-guarantees.ts';
export type { S10Result } from './s10-websub.ts';
export type { Alert as S11Alert, S11Result, SideFigures } from './s11-stock-prices.ts';
export type { HashtagReceiver, S12Result } from './s12-hashtags.ts';
export {
  notifierReceivesSocial,
  runS12,
  startHashtagReceiver,
  startNotifierReceiver,
} from './s12-hashtags.ts';
export type { S13Result } from './s13-chat.ts';
export type { S14Result } from './s14-whole-shop.ts';
export type { S15Result, Trial as S15Trial } from './s15-rights-and-trust.ts';
export * from './scenario.ts';
export { shopAdminHeaders, shopReady } from './shop-client.ts';
export * from './social-client.ts';
