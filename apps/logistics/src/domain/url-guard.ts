import { ApiError } from '@hooklab/service';
import { type CheckUrlResult, checkUrl, type LookupFn } from '@hooklab/webhooks';

export interface UrlGuard {
  check(url: string): Promise<CheckUrlResult>;
  /** Throws a 400 problem (`ssrf_blocked`, `invalid_url`, …) naming `param` when the URL may not be called. */
  assert(url: string, param: string): Promise<void>;
}

/** The SSRF guard of @hooklab/webhooks with this app's allow-list (WEBHOOK_ALLOW_LOOPBACK, WEBHOOK_ALLOW_HOSTS). */
export function createUrlGuard(opts: {
  allowLoopback: boolean;
  allowList: string[];
  lookup?: LookupFn;
}): UrlGuard {
  const options = {
    allowLoopback: opts.allowLoopback,
    allowList: opts.allowList,
    ...(opts.lookup ? { lookup: opts.lookup } : {}),
  };
  const check = (url: string) => checkUrl(url, options);
  return {
    check,
    async assert(url, param) {
      const verdict = await check(url);
      if (!verdict.ok) {
        throw new ApiError({
          status: 400,
          code: verdict.code,
          message: `${param} may not be used: ${verdict.reason}`,
          param,
        });
      }
    },
  };
}
