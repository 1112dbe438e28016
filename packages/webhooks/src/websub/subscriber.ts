import { randomBytes } from 'node:crypto';
import { type HubAlgorithm, verifyHub } from '../signing/hub.ts';
import { type Discovered, discover, type FetchFn } from './discovery.ts';
import { WebSubError } from './errors.ts';
import { parseLinkHeader } from './links.ts';

export type SubscriptionState = 'requested' | 'active' | 'denied' | 'unsubscribed' | 'expired';

/** One subscription as the subscriber keeps it. The secret itself is never exposed here. */
export interface WebSubSubscription {
  id: string;
  topic: string;
  hub: string;
  /** The callback URL given to the hub: the subscriber's URL plus `subscription=<id>`. */
  callback: string;
  state: SubscriptionState;
  /** What the subscriber asked the hub for and has not seen verified yet (renewals too). */
  pending: 'subscribe' | 'unsubscribe' | null;
  signed: boolean;
  requestedLeaseSeconds: number | null;
  /** The lease the hub granted in its last verification. */
  leaseSeconds: number | null;
  expiresAt: number | null;
  verifiedAt: number | null;
  renewals: number;
  deliveries: number;
  deniedReason: string | null;
}

export interface WebSubContent {
  subscription: WebSubSubscription;
  /** The `rel="self"` of the delivery, else the subscribed topic. */
  topic: string;
  contentType: string;
  body: Uint8Array;
  text(): string;
  /** The algorithm of the verified `X-Hub-Signature`, or null for an unsigned subscription. */
  signature: HubAlgorithm | null;
  receivedAt: number;
}

export type WebSubEventType =
  | 'subscribe-requested'
  | 'verified'
  | 'renewed'
  | 'verification-refused'
  | 'denied'
  | 'unsubscribe-requested'
  | 'unsubscribed'
  | 'content'
  | 'content-ignored'
  | 'content-refused'
  | 'renew-failed'
  | 'expired';

export interface WebSubEvent {
  type: WebSubEventType;
  at: number;
  subscriptionId: string | null;
  topic: string | null;
  detail?: string;
}

/** Counted as they happen: what the subscriber sent and what it answered. */
export interface WebSubStats {
  /** Requests the subscriber made: discovery GETs and subscribe/unsubscribe POSTs (renewals included). */
  requests: number;
  verificationsAnswered: number;
  verificationsRefused: number;
  deliveries: number;
  /** Signed deliveries whose signature did not match: acknowledged (WebSub §8) and ignored. */
  deliveriesIgnored: number;
  /** Deliveries refused: unsigned when a secret was used, unknown or ended subscriptions, too large. */
  deliveriesRefused: number;
  renewals: number;
}

export interface WebSubSubscriberOptions {
  /** Where the hub reaches this subscriber (its `handle` or `middleware` serves it); one URL for all. */
  callbackUrl: string;
  fetch?: FetchFn;
  now?: () => number;
  /** Seconds before the lease ends to renew; default a fifth of the lease, between 1 s and 1 h. */
  renewBeforeSeconds?: (leaseSeconds: number) => number;
  /** Largest delivery accepted (413 above it); default 1 MiB. */
  maxBodyBytes?: number;
  /** Algorithms accepted in `X-Hub-Signature`; default all four WebSub allows. */
  algorithms?: readonly HubAlgorithm[];
  /** Extra headers sent on every request to a hub or topic. */
  headers?: Record<string, string>;
  onContent?: (content: WebSubContent) => void | Promise<void>;
  onEvent?: (event: WebSubEvent) => void;
}

export interface SubscribeInput {
  /** A topic URL, or any page that advertises one: discovery finds its `rel="self"` and hub. */
  topic: string;
  /** Skip discovery: send `topic` as `hub.topic` to this hub. */
  hub?: string;
  /** `hub.secret` (under 200 bytes): deliveries must then carry a matching `X-Hub-Signature`. */
  secret?: string;
  leaseSeconds?: number;
}

interface Entry {
  sub: WebSubSubscription;
  secret: string | null;
  renewTimer: NodeJS.Timeout | null;
  expiryTimer: NodeJS.Timeout | null;
}

const text = (status: number, body: string) =>
  new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });

/**
 * A WebSub subscriber (W3C WebSub §4–§8): discovers hubs, subscribes with a form POST (expects 202), answers
 * verification only for what it is pending on (404 otherwise), checks `X-Hub-Signature`, renews before the
 * lease ends. `handle(request)` is the callback endpoint; mount it with `middleware()` or `startCallbackServer`.
 */
export function createWebSubSubscriber(opts: WebSubSubscriberOptions) {
  const doFetch = opts.fetch ?? globalThis.fetch;
  const now = opts.now ?? Date.now;
  const maxBody = opts.maxBodyBytes ?? 1024 * 1024;
  const renewBefore =
    opts.renewBeforeSeconds ?? ((lease: number) => Math.min(3600, Math.max(1, Math.ceil(lease / 5))));
  const entries = new Map<string, Entry>();
  const waiters = new Set<() => void>();
  const stats: WebSubStats = {
    requests: 0,
    verificationsAnswered: 0,
    verificationsRefused: 0,
    deliveries: 0,
    deliveriesIgnored: 0,
    deliveriesRefused: 0,
    renewals: 0,
  };
  let stopped = false;

  const emit = (type: WebSubEventType, e: Entry | null, detail?: string) => {
    opts.onEvent?.({
      type,
      at: now(),
      subscriptionId: e?.sub.id ?? null,
      topic: e?.sub.topic ?? null,
      ...(detail ? { detail } : {}),
    });
    for (const w of [...waiters]) w();
  };

  const clearTimers = (e: Entry) => {
    if (e.renewTimer) clearTimeout(e.renewTimer);
    if (e.expiryTimer) clearTimeout(e.expiryTimer);
    e.renewTimer = e.expiryTimer = null;
  };

  const callbackFor = (id: string) => {
    const u = new URL(opts.callbackUrl);
    u.searchParams.append('subscription', id);
    return u.toString();
  };

  async function postToHub(e: Entry, mode: 'subscribe' | 'unsubscribe') {
    const form = new URLSearchParams({
      'hub.callback': e.sub.callback,
      'hub.mode': mode,
      'hub.topic': e.sub.topic,
    });
    if (mode === 'subscribe') {
      if (e.sub.requestedLeaseSeconds) form.set('hub.lease_seconds', String(e.sub.requestedLeaseSeconds));
      if (e.secret) form.set('hub.secret', e.secret);
    }
    stats.requests++;
    let res: Response;
    try {
      res = await doFetch(e.sub.hub, {
        method: 'POST',
        headers: { ...opts.headers, 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      });
    } catch (err) {
      throw new WebSubError('hub_unreachable', `POST ${e.sub.hub} failed: ${(err as Error).message}`);
    }
    const reason = (await res.text().catch(() => '')).slice(0, 500);
    if (res.status !== 202) {
      throw new WebSubError(
        'hub_refused',
        `hub answered ${res.status} to ${mode}${reason ? `: ${reason}` : ''}`,
        res.status,
      );
    }
  }

  function schedule(e: Entry) {
    clearTimers(e);
    const { leaseSeconds, expiresAt } = e.sub;
    if (stopped || leaseSeconds == null || expiresAt == null) return;
    const renewAt = expiresAt - renewBefore(leaseSeconds) * 1000;
    e.renewTimer = setTimeout(() => void renew(e), Math.max(0, renewAt - now()));
    e.expiryTimer = setTimeout(() => expire(e), Math.max(0, expiresAt - now()));
    e.renewTimer.unref?.();
    e.expiryTimer.unref?.();
  }

  function expire(e: Entry) {
    if (e.sub.state !== 'active' || (e.sub.expiresAt ?? 0) > now()) return;
    e.sub.state = 'expired';
    e.sub.pending = null;
    clearTimers(e);
    emit('expired', e);
  }

  async function renew(e: Entry) {
    if (stopped || e.sub.state !== 'active') return;
    e.sub.pending = 'subscribe';
    try {
      await postToHub(e, 'subscribe');
      emit('subscribe-requested', e, 'renewal');
    } catch (err) {
      emit('renew-failed', e, (err as Error).message);
      // Try again while the lease lasts: half the time left, at least a second.
      const left = (e.sub.expiresAt ?? 0) - now();
      if (left > 1000 && !stopped) {
        e.renewTimer = setTimeout(() => void renew(e), Math.max(1000, left / 2));
        e.renewTimer.unref?.();
      }
    }
  }

  function onVerification(url: URL, e: Entry | undefined): Response {
    const q = url.searchParams;
    const mode = q.get('hub.mode');
    const topic = q.get('hub.topic');
    const challenge = q.get('hub.challenge');
    const refuse = (why: string) => {
      stats.verificationsRefused++;
      emit('verification-refused', e ?? null, why);
      return text(404, why);
    };
    if (!e || topic !== e.sub.topic) return refuse('not subscribed to that topic');
    if (mode === 'denied') {
      if (e.sub.state === 'unsubscribed') return refuse('not subscribed to that topic');
      clearTimers(e);
      e.sub.state = 'denied';
      e.sub.pending = null;
      e.sub.deniedReason = q.get('hub.reason') ?? '';
      emit('denied', e, e.sub.deniedReason);
      return text(200, 'ok');
    }
    if (mode !== 'subscribe' && mode !== 'unsubscribe') return refuse('unknown hub.mode');
    if (e.sub.pending !== mode) return refuse(`not pending on ${mode}`);
    if (!challenge) return refuse('hub.challenge missing');
    stats.verificationsAnswered++;
    e.sub.pending = null;
    e.sub.verifiedAt = now();
    if (mode === 'unsubscribe') {
      clearTimers(e);
      e.sub.state = 'unsubscribed';
      emit('unsubscribed', e);
    } else {
      const lease = Number(q.get('hub.lease_seconds'));
      const wasActive = e.sub.state === 'active';
      e.sub.state = 'active';
      e.sub.leaseSeconds = Number.isInteger(lease) && lease > 0 ? lease : null;
      e.sub.expiresAt = e.sub.leaseSeconds ? now() + e.sub.leaseSeconds * 1000 : null;
      schedule(e);
      if (wasActive) {
        e.sub.renewals++;
        stats.renewals++;
        emit('renewed', e, `lease ${e.sub.leaseSeconds ?? '?'} s`);
      } else emit('verified', e, `lease ${e.sub.leaseSeconds ?? '?'} s`);
    }
    return new Response(challenge, { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  }

  async function onContent(req: Request, url: URL, e: Entry | undefined): Promise<Response> {
    const refuse = (status: number, why: string) => {
      stats.deliveriesRefused++;
      emit('content-refused', e ?? null, why);
      return text(status, why);
    };
    // 410 tells the hub to drop a subscription this subscriber no longer has (WebSub §7).
    if (e?.sub.state !== 'active') return refuse(410, 'no such subscription');
    const declared = Number(req.headers.get('content-length') ?? 0);
    if (declared > maxBody) return refuse(413, 'content too large');
    const body = new Uint8Array(await req.arrayBuffer());
    if (body.byteLength > maxBody) return refuse(413, 'content too large');
    let signature: HubAlgorithm | null = null;
    if (e.secret) {
      if (!req.headers.get('x-hub-signature') && !req.headers.get('x-hub-signature-256'))
        return refuse(401, 'X-Hub-Signature required: this subscription has a secret');
      try {
        signature = verifyHub({
          body,
          headers: req.headers,
          secrets: e.secret,
          algorithms: opts.algorithms,
        }).algorithm;
      } catch (err) {
        // WebSub §8: acknowledge, but ignore content whose signature does not verify.
        stats.deliveriesIgnored++;
        emit('content-ignored', e, (err as Error).message);
        return text(202, 'ignored');
      }
    }
    const self = parseLinkHeader(req.headers.get('link'), url.toString()).find((l) =>
      l.rels.includes('self'),
    );
    stats.deliveries++;
    e.sub.deliveries++;
    const content: WebSubContent = {
      subscription: { ...e.sub },
      topic: self?.href ?? e.sub.topic,
      contentType: req.headers.get('content-type') ?? '',
      body,
      text: () => Buffer.from(body).toString('utf8'),
      signature,
      receivedAt: now(),
    };
    emit('content', e, signature ? `signed ${signature}` : 'unsigned');
    await opts.onContent?.(content);
    return new Response(null, { status: 204 });
  }

  const api = {
    /** Discovers (unless `hub` is given) and asks the hub to subscribe; resolves once the hub answered 202. */
    async subscribe(input: SubscribeInput): Promise<WebSubSubscription> {
      if (stopped) throw new WebSubError('invalid_argument', 'subscriber stopped');
      if (input.secret !== undefined && Buffer.byteLength(input.secret) >= 200)
        throw new WebSubError('invalid_argument', 'hub.secret must be under 200 bytes');
      let found: Pick<Discovered, 'topic' | 'hubs'>;
      if (input.hub) found = { topic: input.topic, hubs: [input.hub] };
      else {
        stats.requests++;
        found = await discover(input.topic, {
          fetch: opts.headers
            ? (u, init) => doFetch(u, { ...init, headers: { ...opts.headers, ...init?.headers } })
            : doFetch,
        });
      }
      const id = `sub_${randomBytes(9).toString('base64url')}`;
      const e: Entry = {
        sub: {
          id,
          topic: found.topic,
          hub: found.hubs[0]!,
          callback: callbackFor(id),
          state: 'requested',
          pending: 'subscribe',
          signed: Boolean(input.secret),
          requestedLeaseSeconds: input.leaseSeconds ?? null,
          leaseSeconds: null,
          expiresAt: null,
          verifiedAt: null,
          renewals: 0,
          deliveries: 0,
          deniedReason: null,
        },
        secret: input.secret ?? null,
        renewTimer: null,
        expiryTimer: null,
      };
      entries.set(id, e);
      try {
        await postToHub(e, 'subscribe');
      } catch (err) {
        entries.delete(id);
        throw err;
      }
      emit('subscribe-requested', e);
      return { ...e.sub };
    },

    /** Asks the hub to unsubscribe; resolves on 202. The subscription ends when the hub verifies it. */
    async unsubscribe(id: string): Promise<void> {
      const e = entries.get(id);
      if (!e || (e.sub.state !== 'active' && e.sub.state !== 'requested'))
        throw new WebSubError('not_subscribed', `no live subscription ${id}`);
      clearTimers(e);
      e.sub.pending = 'unsubscribe';
      await postToHub(e, 'unsubscribe');
      emit('unsubscribe-requested', e);
    },

    /** Waits until the subscription reaches one of `states` (rejects on denial unless waited for). */
    until(id: string, states: SubscriptionState[], timeoutMs = 15_000): Promise<WebSubSubscription> {
      return new Promise((resolve, reject) => {
        const check = () => {
          const e = entries.get(id);
          if (!e) return done(new WebSubError('not_subscribed', `no subscription ${id}`));
          if (states.includes(e.sub.state)) return done(null, e.sub);
          if (e.sub.state === 'denied')
            return done(new WebSubError('denied', `hub denied ${e.sub.topic}: ${e.sub.deniedReason ?? ''}`));
        };
        const timer = setTimeout(
          () =>
            done(
              new WebSubError('not_subscribed', `${id} did not reach ${states.join('/')} in ${timeoutMs} ms`),
            ),
          timeoutMs,
        );
        const done = (err: Error | null, sub?: WebSubSubscription) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (err) reject(err);
          else resolve({ ...sub! });
        };
        waiters.add(check);
        check();
      });
    },

    /** The callback endpoint: verification GETs and content POSTs, as a fetch-style handler. */
    async handle(req: Request): Promise<Response> {
      const url = new URL(req.url);
      const e = entries.get(url.searchParams.get('subscription') ?? '');
      if (req.method === 'GET') return onVerification(url, e);
      if (req.method === 'POST') {
        try {
          return await onContent(req, url, e);
        } catch (err) {
          // The content handler failed: a non-2xx makes the hub retry.
          return text(500, `content handler failed: ${(err as Error).message}`);
        }
      }
      return new Response('method not allowed', { status: 405, headers: { allow: 'GET, POST' } });
    },

    /** Hono middleware form of `handle`: `app.all('/websub/callback', subscriber.middleware())`. */
    middleware() {
      return (c: { req: { raw: Request } }) => api.handle(c.req.raw);
    },

    get(id: string): WebSubSubscription | undefined {
      const e = entries.get(id);
      return e ? { ...e.sub } : undefined;
    },
    list(): WebSubSubscription[] {
      return [...entries.values()].map((e) => ({ ...e.sub }));
    },
    stats(): WebSubStats {
      return { ...stats };
    },
    /** Stops every renewal and expiry timer; subscriptions stay with the hub until their leases end. */
    stop() {
      stopped = true;
      for (const e of entries.values()) clearTimers(e);
    },
  };
  return api;
}

export type WebSubSubscriber = ReturnType<typeof createWebSubSubscriber>;
