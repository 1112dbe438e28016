// Exercise 09: a WebSub subscriber's three duties: confirm only what it asked for, check X-Hub-Signature
// on every delivery, and renew before the lease ends. Run `pnpm workshop test 09`.
import { todo } from '../../kit/check.ts';

export interface Pending {
  mode: 'subscribe' | 'unsubscribe';
  topic: string;
}

export interface VerificationAnswer {
  status: number;
  body: string;
  /** A confirmed subscription: when its lease ends (epoch ms). */
  lease?: { topic: string; expiresAt: number };
}

/** The hub's GET to the callback (WebSub §5.3): echo hub.challenge only for a request we made. */
export function answerVerification(
  query: URLSearchParams,
  pending: Pending[],
  now: number,
): VerificationAnswer {
  // TODO: this confirms anything it is asked. Answer 404 unless `pending` holds this exact mode and topic;
  // 400 without hub.mode/hub.topic/hub.challenge; `hub.mode=denied` is the hub saying no (answer 200).
  void pending;
  const lease = Number(query.get('hub.lease_seconds'));
  return {
    status: 200,
    body: query.get('hub.challenge') ?? '',
    lease: { topic: query.get('hub.topic') ?? '', expiresAt: now + lease * 1000 },
  };
}

/** `X-Hub-Signature: <algorithm>=<hex HMAC of the raw body under hub.secret>` (WebSub §8). */
export function verifySignature(
  body: string | Uint8Array,
  header: string | undefined,
  secret: string,
): boolean {
  // TODO: read the algorithm (sha1, sha256, sha384 or sha512) from the header, HMAC the raw body with the
  // secret, compare with crypto.timingSafeEqual. No or a bad header: false.
  return todo(`verifySignature(${typeof body}, ${header}, ${secret.length} chars)`);
}

/** When to subscribe again (epoch ms). */
export function renewAt(verifiedAt: number, leaseSeconds: number): number {
  // TODO: the hub drops the subscription when the lease ends: renew before, with room for a retry.
  return verifiedAt + leaseSeconds * 1000;
}
