import { randomBytes } from 'node:crypto';
import { HUB_ALGORITHMS, type HubAlgorithm, verifyHub } from '../signing/hub.ts';
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
  | 'verification-unrequested'
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
  /**
   * Deliveries refused: unsigned when a secret was used, unknown or ended subscriptions, too large, a bad
   * signature under `badSignature: 'refuse'`, a `verifySignature` duty that threw.
   */
  deliveriesRefused: number;
  renewals: number;
}

/** What the subscriber asked a hub for and waits to see verified (WebSub §5.3). */
export interface WebSubPending {
  mode: 'subscribe' | 'unsubscribe';
  topic: string;
}

/** The answer to a verification GET: a 2xx whose body is `hub.challenge` confirms it. */
export interface WebSubVerificationAnswer {
  status: number;
  body: string;
  /** A confirmed subscribe: when its lease ends (epoch ms), instead of now + `hub.lease_seconds`. */
  lease?: { topic: string; expiresAt: number };
}

/**
 * The subscriber's three decisions, each replaceable (workshop exercise 09 puts an attendee's code here); the
 * subscriber keeps the state, the timers and the hub requests around them.
 */
export interface WebSubDuties {
  /** Answers the hub's GET, given what the callback's subscription is pending on. Default: echo that, else 404. */
  answerVerification?(
    query: URLSearchParams,
    pending: WebSubPending[],
    now: number,
  ): WebSubVerificationAnswer | Promise<WebSubVerificationAnswer>;
  /** Whether a delivery's `X-Hub-Signature` matches; only `true` accepts. Default: verifyHub with `algorithms`. */
  verifySignature?(body: Uint8Array, header: string | undefined, secret: string): boolean | Promise<boolean>;
  /** When to renew a verified lease (epoch ms). Default: `renewBeforeSeconds` before it ends. */
  renewAt?(verifiedAt: number, leaseSeconds: number): number | Promise<number>;
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
  /** Replaces the verification answer, the signature check or the renewal time; each defaults to the spec's. */
  duties?: WebSubDuties;
  /** A delivery whose signature does not verify: `ignore` (default, WebSub §8: 202, dropped) or `refuse` (403). */
  badSignature?: 'ignore' | 'refuse';
  /** Extra headers on the renewal POSTs only (the first subscribe does not carry them). */
  renewalHeaders?: Record<string, string>;
  /**
   * A duty threw (or answered what no Response can carry): the plain-text body of the 500 it answers, and the
   * detail of the event. Default: `<duty> failed`.
   */
  onDutyError?: (duty: keyof WebSubDuties, error: unknown) => string;
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
  const duties = opts.duties ?? {};
  const dutyFailed = (duty: keyof WebSubDuties, err: unknown) =>
    opts.onDutyError?.(duty, err) ?? `${duty} failed`;
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

  async function postToHub(e: Entry, mode: 'subscribe' | 'unsubscribe', renewal = false) {
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
        headers: {
          ...opts.headers,
          ...(renewal ? opts.renewalHeaders : undefined),
          'content-type': 'application/x-www-form-urlencoded',
        },
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
    const { leaseSeconds, expiresAt, verifiedAt } = e.sub;
    if (stopped || leaseSeconds == null || expiresAt == null) return;
    const renewLater = (at: number) => {
      e.renewTimer = setTimeout(() => void renew(e), Math.max(0, at - now()));
      e.renewTimer.unref?.();
    };
    if (!duties.renewAt) renewLater(expiresAt - renewBefore(leaseSeconds) * 1000);
    e.expiryTimer = setTimeout(() => expire(e), Math.max(0, expiresAt - now()));
    e.expiryTimer.unref?.();
    if (!duties.renewAt) return;
    // The expiry timer comes first, so a renewal timed at the very end of the lease runs after it.
    const expiry = e.expiryTimer;
    void (async () => {
      try {
        const at = await duties.renewAt!(verifiedAt ?? now(), leaseSeconds);
        if (!Number.isFinite(at))
          throw new WebSubError('invalid_argument', `renewAt returned ${String(at)}, not a time (epoch ms)`);
        if (!stopped && e.expiryTimer === expiry) renewLater(at);
      } catch (err) {
        emit('renew-failed', e, dutyFailed('renewAt', err));
      }
    })();
  }

  function expire(e: Entry) {
    if (e.sub.state !== 'active' || (e.sub.expiresAt ?? 0) > now()) return;
    e.sub.state = 'expired';
    e.sub.pending = null;
    // The renewal timer stays: one a renewAt duty timed after the lease's end still subscribes again.
    emit('expired', e);
  }

  async function renew(e: Entry) {
    if (stopped || (e.sub.state !== 'active' && e.sub.state !== 'expired')) return;
    const late = e.sub.state === 'expired';
    e.sub.pending = 'subscribe';
    try {
      await postToHub(e, 'subscribe', true);
      emit('subscribe-requested', e, late ? 'renewal after the lease ended' : 'renewal');
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

  /** The spec's answer: the challenge only for what the callback's subscription is pending on, else 404. */
  function specAnswer(q: URLSearchParams, e: Entry | undefined): WebSubVerificationAnswer {
    const mode = q.get('hub.mode');
    const no = (why: string) => ({ status: 404, body: why });
    if (!e || q.get('hub.topic') !== e.sub.topic) return no('not subscribed to that topic');
    if (mode === 'denied')
      return e.sub.state === 'unsubscribed'
        ? no('not subscribed to that topic')
        : { status: 200, body: 'ok' };
    if (mode !== 'subscribe' && mode !== 'unsubscribe') return no('unknown hub.mode');
    if (e.sub.pending !== mode) return no(`not pending on ${mode}`);
    const challenge = q.get('hub.challenge');
    if (!challenge) return no('hub.challenge missing');
    return { status: 200, body: challenge };
  }

  async function onVerification(url: URL, e: Entry | undefined): Promise<Response> {
    const q = url.searchParams;
    const mode = q.get('hub.mode');
    const topic = q.get('hub.topic');
    const challenge = q.get('hub.challenge');
    let answer: WebSubVerificationAnswer;
    let res: Response;
    try {
      answer = duties.answerVerification
        ? await duties.answerVerification(
            new URLSearchParams(q),
            e?.sub.pending ? [{ mode: e.sub.pending, topic: e.sub.topic }] : [],
            now(),
          )
        : specAnswer(q, e);
      res = text(answer.status, answer.body);
    } catch (err) {
      const why = dutyFailed('answerVerification', err);
      stats.verificationsRefused++;
      emit('verification-refused', e ?? null, why);
      return text(500, why);
    }
    const ours = e !== undefined && topic === e.sub.topic;
    if (answer.status < 200 || answer.status > 299) {
      stats.verificationsRefused++;
      emit('verification-refused', e ?? null, answer.body);
    } else if (mode === 'denied') {
      if (!ours || e.sub.state === 'unsubscribed') return res;
      clearTimers(e);
      e.sub.state = 'denied';
      e.sub.pending = null;
      e.sub.deniedReason = q.get('hub.reason') ?? '';
      emit('denied', e, e.sub.deniedReason);
    } else if ((mode === 'subscribe' || mode === 'unsubscribe') && challenge && answer.body === challenge) {
      stats.verificationsAnswered++;
      if (!ours || e.sub.pending !== mode) {
        emit('verification-unrequested', e ?? null, `${mode} ${topic ?? ''}`);
        return res;
      }
      confirm(e, mode, q.get('hub.lease_seconds'), answer.lease?.expiresAt);
    }
    return res;
  }

  function confirm(e: Entry, mode: 'subscribe' | 'unsubscribe', leaseParam: string | null, kept?: number) {
    e.sub.pending = null;
    const verifiedAt = now();
    e.sub.verifiedAt = verifiedAt;
    if (mode === 'unsubscribe') {
      clearTimers(e);
      e.sub.state = 'unsubscribed';
      emit('unsubscribed', e);
      return;
    }
    const lease = Number(leaseParam);
    const wasActive = e.sub.state === 'active';
    e.sub.state = 'active';
    e.sub.leaseSeconds = Number.isInteger(lease) && lease > 0 ? lease : null;
    e.sub.expiresAt = Number.isFinite(kept)
      ? kept!
      : e.sub.leaseSeconds
        ? verifiedAt + e.sub.leaseSeconds * 1000
        : null;
    schedule(e);
    if (wasActive) {
      e.sub.renewals++;
      stats.renewals++;
      emit('renewed', e, `lease ${e.sub.leaseSeconds ?? '?'} s`);
    } else emit('verified', e, `lease ${e.sub.leaseSeconds ?? '?'} s`);
  }

  /** The algorithm of a signature that verifies, why it does not (`bad`), or a delivery to refuse outright. */
  async function checkSignature(
    req: Request,
    body: Uint8Array,
    secret: string,
  ): Promise<{ algorithm: HubAlgorithm | null } | { bad: string } | { refuse: number; why: string }> {
    const header = req.headers.get('x-hub-signature') ?? undefined;
    if (duties.verifySignature) {
      let ok: boolean;
      try {
        ok = (await duties.verifySignature(body, header, secret)) === true;
      } catch (err) {
        return { refuse: 500, why: dutyFailed('verifySignature', err) };
      }
      if (!ok) return { bad: 'verifySignature did not return true' };
      const prefix = header?.split('=')[0]?.trim().toLowerCase();
      return { algorithm: HUB_ALGORITHMS.find((a) => a === prefix) ?? null };
    }
    if (!header && !req.headers.get('x-hub-signature-256'))
      return { refuse: 401, why: 'X-Hub-Signature required: this subscription has a secret' };
    try {
      return {
        algorithm: verifyHub({ body, headers: req.headers, secrets: secret, algorithms: opts.algorithms })
          .algorithm,
      };
    } catch (err) {
      return { bad: (err as Error).message };
    }
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
      const checked = await checkSignature(req, body, e.secret);
      if ('refuse' in checked) return refuse(checked.refuse, checked.why);
      if ('bad' in checked) {
        if (opts.badSignature === 'refuse') {
          stats.deliveriesRefused++;
          emit('content-refused', e, checked.bad);
          return text(403, 'X-Hub-Signature does not verify');
        }
        // WebSub §8: acknowledge, but ignore content whose signature does not verify.
        stats.deliveriesIgnored++;
        emit('content-ignored', e, checked.bad);
        return text(202, 'ignored');
      }
      signature = checked.algorithm;
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
