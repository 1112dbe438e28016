// Exercise 09 (reference): a WebSub subscriber's three duties: confirm only what it asked for, check
// X-Hub-Signature on every delivery, and renew before the lease ends.
import { createHmac, timingSafeEqual } from 'node:crypto';

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
  const mode = query.get('hub.mode');
  const topic = query.get('hub.topic');
  const challenge = query.get('hub.challenge');
  if (mode === 'denied') return { status: 200, body: '' };
  if (!topic || !challenge || (mode !== 'subscribe' && mode !== 'unsubscribe'))
    return { status: 400, body: 'hub.mode, hub.topic and hub.challenge are required' };
  if (!pending.some((p) => p.mode === mode && p.topic === topic))
    return { status: 404, body: 'no such pending request' };
  const lease = Number(query.get('hub.lease_seconds'));
  return {
    status: 200,
    body: challenge,
    ...(mode === 'subscribe' && Number.isInteger(lease) && lease > 0
      ? { lease: { topic, expiresAt: now + lease * 1000 } }
      : {}),
  };
}

const ALGORITHMS = new Set(['sha1', 'sha256', 'sha384', 'sha512']);

/** `X-Hub-Signature: <algorithm>=<hex HMAC of the raw body under hub.secret>` (WebSub §8). */
export function verifySignature(
  body: string | Uint8Array,
  header: string | undefined,
  secret: string,
): boolean {
  const m = /^(\w+)=([0-9a-f]+)$/i.exec(header?.trim() ?? '');
  if (!m || !ALGORITHMS.has(m[1]!.toLowerCase())) return false;
  const expected = createHmac(m[1]!.toLowerCase(), secret).update(body).digest();
  const got = Buffer.from(m[2]!, 'hex');
  return got.length === expected.length && timingSafeEqual(got, expected);
}

/** When to subscribe again: 90 % into the lease, so a slow or failing renewal still has time. */
export function renewAt(verifiedAt: number, leaseSeconds: number): number {
  return verifiedAt + Math.floor(leaseSeconds * 1000 * 0.9);
}
