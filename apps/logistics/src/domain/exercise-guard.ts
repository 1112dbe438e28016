// Workshop exercise 08 (dev only, workshop/08-refuse-internal-urls): an attendee's SSRF check decides
// whether an HTTP callback URL may be registered. Deliveries keep the engine's guard (`check`) whatever it says.
import { lookup as dnsLookup } from 'node:dns/promises';
import { ApiError, exerciseModule, markExercise } from '@hooklab/service';
import type { LookupFn } from '@hooklab/webhooks';
import type { UrlGuard } from './url-guard.ts';

type CheckCallbackUrl = (
  url: string,
  opts: { lookup: (hostname: string) => Promise<string[]>; allowLoopback: boolean },
) => Promise<{ ok: true } | { ok: false; reason: string }>;

export function withExerciseGuard(
  guard: UrlGuard,
  opts: { dev: boolean; allowLoopback: boolean; lookup?: LookupFn },
): UrlGuard {
  if (!opts.dev) return guard;
  const lookup = async (host: string) => {
    const name = host.replace(/^\[|\]$/g, '');
    return (opts.lookup ? await opts.lookup(name) : await dnsLookup(name, { all: true })).map(
      (a) => a.address,
    );
  };
  return {
    check: guard.check,
    async assert(url, param) {
      const exercise = await exerciseModule<{ checkCallbackUrl: CheckCallbackUrl }>('08', opts.dev);
      if (!exercise || !/^https?:/i.test(url)) return guard.assert(url, param);
      markExercise('08');
      // The attendee's code may throw: that is a refusal with its message, not a 500.
      const verdict = await exercise
        .checkCallbackUrl(url, { lookup, allowLoopback: opts.allowLoopback })
        .catch((err: unknown) => ({
          ok: false as const,
          reason: `checkCallbackUrl threw: ${err instanceof Error ? err.message : String(err)}`,
        }));
      if (!verdict.ok)
        throw new ApiError({
          status: 400,
          code: 'ssrf_blocked',
          message: `${param} may not be used: ${verdict.reason}`,
          param,
        });
    },
  };
}
