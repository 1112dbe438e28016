// Outbound requests to URLs someone else chose: check the URL, then connect only to the addresses the
// check resolved, so DNS cannot answer differently between the check and the connection (rebinding).
import './node-dispatcher-first.ts';
import { Agent } from 'undici';
import { type CheckUrlResult, checkUrl, type SsrfOptions, UnsafeUrlError } from './check-url.ts';
import { pinnedLookup } from './pinned-lookup.ts';

type FetchFn = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface GuardedFetchOptions {
  /** The check to run; default `checkUrl(url, ssrf)`. Pass the app's guard to keep one set of rules. */
  check?: (url: string) => Promise<CheckUrlResult>;
  /** Options for the default check (ignored when `check` is given). */
  ssrf?: SsrfOptions;
  /** The fetch to send with (e.g. a tracing wrapper around global fetch); default global fetch. */
  fetch?: FetchFn;
}

/**
 * An undici dispatcher whose connections go to `addresses` only (TLS still checks the URL's host name).
 * Pass it as `fetch(url, { dispatcher })`; close it when done (`close()` waits for bodies in progress).
 */
export function createPinnedDispatcher(addresses: readonly string[]): Agent {
  return new Agent({ connect: { lookup: pinnedLookup(addresses) } });
}

/**
 * `fetch` for a URL someone else chose: refuses it (UnsafeUrlError) unless the SSRF check passes, then
 * connects to the addresses that check resolved. Redirects are never followed (`redirect: 'manual'`):
 * a 3xx comes back as it is. Read or cancel the body; the pinned connection closes after it.
 */
export async function guardedFetch(
  url: string | URL,
  init: RequestInit = {},
  options: GuardedFetchOptions = {},
): Promise<Response> {
  const target = String(url);
  const verdict = await (options.check ?? ((u: string) => checkUrl(u, options.ssrf)))(target);
  if (!verdict.ok) throw new UnsafeUrlError(verdict.code, verdict.reason);
  const dispatcher = createPinnedDispatcher(verdict.addresses);
  try {
    const res = await (options.fetch ?? globalThis.fetch)(target, {
      ...init,
      redirect: 'manual',
      dispatcher,
    } as RequestInit);
    // Graceful: resolves once the body has been read or cancelled.
    void dispatcher.close().catch(() => undefined);
    return res;
  } catch (err) {
    void dispatcher.destroy().catch(() => undefined);
    throw err;
  }
}
