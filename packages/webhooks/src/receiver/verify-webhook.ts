import { createHash } from 'node:crypto';
import type { Context, Env, MiddlewareHandler } from 'hono';
import { isWebhookVerificationError } from '../signing/errors.ts';
import { type SigningScheme, signers, type VerifiedSignature } from '../signing/signers.ts';
import { decodeStandardSecret } from '../signing/standard.ts';
import { createMemoryInbox, type Inbox } from './inbox.ts';
import { problem } from './problem.ts';
import { readRawBody } from './read-body.ts';

/** What the middleware hands to the route handler as `c.get('webhook')`. */
export interface ReceivedWebhook {
  /** The dedupe key: webhook-id, Stripe event id, Slack event_id, or a sha256 of the signature. */
  id: string;
  scheme: SigningScheme;
  rawBody: Uint8Array;
  /** The body parsed as JSON after verification, or null when it is not JSON. */
  payload: unknown;
  /** Request headers, names lowercased. */
  headers: Record<string, string>;
  timestampSec?: number;
  /** Whose message this is for dedupe (`inboxScope`), '' by default. */
  scope: string;
  /**
   * Records the id in the inbox now and says whether it was new. Call it inside the handler's own
   * transaction (same SQLite connection as the inbox): the inbox row then commits or rolls back with
   * the handler's work, and the middleware no longer records after the handler. False: a concurrent
   * copy got there first; answer as a duplicate. Always true with `inbox: null`.
   */
  claim(): boolean;
}

export type WebhookEnv = { Variables: { webhook: ReceivedWebhook } };

type Secrets = string | readonly string[];

export interface VerifyWebhookOptions<E extends Env = Env> {
  scheme: SigningScheme;
  /** Candidate secrets (several during rotation). Ignored for scheme `none`. */
  secrets?: Secrets;
  /** Per-request secrets (e.g. by tenant in the path); an empty list refuses with 401. */
  getSecrets?: (c: Context<E>) => Secrets | Promise<Secrets>;
  toleranceSec?: number;
  maxBodyBytes?: number;
  /** Dedupe store; defaults to a memory inbox of 10 000 ids; `null` turns dedupe off. */
  inbox?: Inbox | null;
  /** The sender a message id belongs to (ids are unique per sender only), e.g. the merchant; default ''. */
  inboxScope?: (c: Context<E>) => string | Promise<string>;
  /** Clock for tests. */
  now?: () => number | Date;
}

const DEFAULT_MAX_BODY_BYTES = 1_048_576;
const MAX_ID_LENGTH = 256;

function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function parseJson(bytes: Uint8Array): unknown {
  if (bytes.byteLength === 0) return null;
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
}

function stringField(payload: unknown, field: string): string | undefined {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return undefined;
  const value = (payload as Record<string, unknown>)[field];
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_LENGTH ? value : undefined;
}

function messageId(verified: VerifiedSignature, payload: unknown, body: Uint8Array): string {
  if (verified.id) return verified.id;
  // Stripe and Slack re-sign every retry, so only the event id inside the body stays stable.
  const fromBody =
    verified.scheme === 'stripe'
      ? stringField(payload, 'id')
      : verified.scheme === 'slack'
        ? stringField(payload, 'event_id')
        : undefined;
  if (fromBody) return fromBody;
  return verified.signature ? `sha256:${sha256Hex(verified.signature)}` : `body-sha256:${sha256Hex(body)}`;
}

/**
 * Hono middleware: reads the raw body once, verifies it by scheme before any JSON parsing,
 * refuses replays through the inbox, and exposes the result as `c.get('webhook')`.
 */
export function verifyWebhook<E extends Env = Env>(
  options: VerifyWebhookOptions<E>,
): MiddlewareHandler<E & WebhookEnv> {
  const signer = signers[options.scheme];
  if (!signer) throw new TypeError(`verifyWebhook: unknown scheme ${JSON.stringify(options.scheme)}`);
  if (options.scheme !== 'none' && options.secrets === undefined && !options.getSecrets) {
    throw new TypeError('verifyWebhook: pass secrets or getSecrets');
  }
  if (options.scheme === 'standard' && options.secrets !== undefined) {
    try {
      for (const secret of [options.secrets].flat()) decodeStandardSecret(secret);
    } catch {
      throw new TypeError('verifyWebhook: standard secrets must be whsec_ followed by base64');
    }
  }
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const inbox = options.inbox === undefined ? createMemoryInbox({ max: 10_000 }) : options.inbox;
  // Ids whose handler is running now: a concurrent copy gets 409 and the sender retries it later,
  // by which time the first copy has either been recorded (→ duplicate) or failed (→ runs again).
  const inFlight = new Set<string>();

  return async (c, next) => {
    const rawBody = await readRawBody(c.req, maxBodyBytes);
    if (rawBody === 'too_large') {
      return problem(
        c,
        413,
        'payload_too_large',
        'Payload too large',
        `the body exceeds ${maxBodyBytes} bytes`,
      );
    }

    let secrets: Secrets = [];
    if (options.scheme !== 'none') {
      secrets = options.getSecrets
        ? await options.getSecrets(c as unknown as Context<E>)
        : (options.secrets ?? []);
      if (secrets.length === 0) {
        return problem(
          c,
          401,
          'no_secret',
          'Webhook signature refused',
          'no signing secret is known for this endpoint',
        );
      }
    }

    let verified: VerifiedSignature;
    try {
      verified = signer.verify({
        body: rawBody,
        headers: c.req.raw.headers,
        secrets,
        toleranceSec: options.toleranceSec,
        now: options.now?.(),
      });
    } catch (err) {
      if (!isWebhookVerificationError(err)) throw err;
      if (err.code === 'invalid_secret' || err.code === 'invalid_argument') {
        return problem(
          c,
          500,
          'receiver_misconfigured',
          'Webhook receiver misconfigured',
          'the receiver cannot check signatures; see its configuration',
        );
      }
      return problem(c, 401, err.code, 'Webhook signature refused', err.message);
    }

    const payload = parseJson(rawBody);
    const id = messageId(verified, payload, rawBody);
    const scope = options.inboxScope ? await options.inboxScope(c as unknown as Context<E>) : '';
    const key = `${scope}\u0000${id}`;
    if (inFlight.has(key)) {
      return problem(
        c,
        409,
        'duplicate_in_flight',
        'Duplicate delivery in progress',
        'the same message is being handled right now; retry later',
        { 'retry-after': '1' },
      );
    }
    inFlight.add(key);
    try {
      if (inbox && (await inbox.seen(id, scope))) return c.json({ duplicate: true }, 200);
      let claimed = false;
      c.set('webhook', {
        id,
        scheme: options.scheme,
        rawBody,
        payload,
        headers: Object.fromEntries(c.req.raw.headers),
        ...(verified.timestampSec === undefined ? {} : { timestampSec: verified.timestampSec }),
        scope,
        claim() {
          if (!inbox) return true;
          if (!inbox.claim)
            throw new TypeError('verifyWebhook: this inbox cannot record inside a transaction');
          claimed = true;
          return inbox.claim(id, scope);
        },
      });
      await next();
      // Only a handled message is recorded, so a failed handler lets the sender's retry run it again.
      if (inbox && !claimed && !c.error && c.res.status >= 200 && c.res.status < 300) {
        await inbox.record(id, scope);
      }
    } finally {
      inFlight.delete(key);
    }
  };
}
