import { ApiError } from '@hooklab/service';
import {
  type CheckUrlResult,
  checkUrl,
  isHttpTarget,
  type LookupFn,
  parseCallbackTarget,
} from '@hooklab/webhooks';

export interface UrlGuard {
  check(url: string): Promise<CheckUrlResult>;
  /**
   * Throws a 400 problem (`ssrf_blocked`, `invalid_url`, `unsupported_scheme`, `invalid_queue_name`, …) naming
   * `param` when the callback target may not be used.
   */
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
      // mailto:, queue: and topic: go to the mail server and brokers we configure: their shape is the check.
      if (!isHttpTarget(url)) {
        const parsed = parseCallbackTarget(url);
        if (parsed.ok) return;
        throw new ApiError({
          status: 400,
          code: parsed.code,
          message: `${param} may not be used: ${parsed.reason}`,
          param,
        });
      }
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
