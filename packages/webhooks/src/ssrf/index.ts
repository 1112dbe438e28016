export {
  assertSafeUrl,
  type CheckUrlResult,
  checkUrl,
  type LookupFn,
  type SsrfOptions,
  type UnsafeUrlCode,
  UnsafeUrlError,
} from './check-url.ts';
export { ssrfOptionsFromEnv } from './env.ts';
export { type AddressCategory, classifyAddress } from './ip-ranges.ts';
