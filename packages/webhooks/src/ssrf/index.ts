export {
  assertSafeUrl,
  type CheckUrlResult,
  checkUrl,
  type LookupFn,
  type SsrfOptions,
  type UnsafeUrlCode,
  UnsafeUrlError,
} from './check-url.ts';
export { createPinnedDispatcher, type GuardedFetchOptions, guardedFetch } from './guarded-fetch.ts';
export { type AddressCategory, classifyAddress } from './ip-ranges.ts';
export { pinnedLookup } from './pinned-lookup.ts';
