import { checkUrl, type SsrfOptions } from '@hooklab/webhooks';
import type { UrlCheck } from './webhook-endpoints.ts';

/**
 * The check a callback URL passes when an endpoint is registered: refused when it is certainly internal (a
 * private or metadata address, literal or resolved). A name that does not resolve from here is accepted, as
 * Stripe accepts it; the dispatcher checks every attempt again, with the address it connects to pinned.
 */
export function registrationUrlCheck(ssrf: SsrfOptions): UrlCheck {
  return async (url) => {
    const verdict = await checkUrl(url, ssrf);
    if (verdict.ok || verdict.code === 'dns_error') return { ok: true };
    return { ok: false, reason: verdict.reason };
  };
}
