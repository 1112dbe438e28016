import type { FetchLike } from '@hooklab/service';
import { type CheckUrlResult, guardedFetch } from '@hooklab/webhooks';

export interface HandshakeResult {
  allowed: boolean;
  allowedRate: string | null;
  status: number | null;
  reason: string;
}

/**
 * CloudEvents "HTTP 1.1 Web Hooks for Event Delivery" §4.1 validation handshake: an OPTIONS request
 * with WebHook-Request-Origin; consent only when WebHook-Allowed-Origin names us or is `*` (§4.1.2).
 * The URL passes the SSRF `check` first and the request goes to the address that check resolved.
 */
export async function validateWebhookOrigin(input: {
  fetch: FetchLike;
  /** The SSRF guard's check (`ctx.guard.check`). */
  check: (url: string) => Promise<CheckUrlResult>;
  url: string;
  origin: string;
  requestRate?: number;
  timeoutMs?: number;
}): Promise<HandshakeResult> {
  let res: Response;
  try {
    res = await guardedFetch(
      input.url,
      {
        method: 'OPTIONS',
        headers: {
          'WebHook-Request-Origin': input.origin,
          ...(input.requestRate ? { 'WebHook-Request-Rate': String(input.requestRate) } : {}),
        },
        signal: AbortSignal.timeout(input.timeoutMs ?? 5000),
      },
      { check: input.check, fetch: input.fetch },
    );
    await res.body?.cancel();
  } catch (err) {
    return {
      allowed: false,
      allowedRate: null,
      status: null,
      reason: `handshake failed: ${(err as Error).message}`,
    };
  }
  const granted = res.headers.get('webhook-allowed-origin')?.trim();
  const allowed = res.ok && (granted === input.origin || granted === '*');
  return {
    allowed,
    allowedRate: res.headers.get('webhook-allowed-rate'),
    status: res.status,
    reason: allowed
      ? `consent by WebHook-Allowed-Origin: ${granted}`
      : res.ok
        ? `no WebHook-Allowed-Origin for ${input.origin}`
        : `OPTIONS answered ${res.status}`,
  };
}
