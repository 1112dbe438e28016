// Workshop exercise 09 (dev only, workshop/09-websub-subscriber): the notifier's WebSub subscriber with the
// attendee's three duties in it — answering the hub's verification, checking X-Hub-Signature, timing renewal.
// The plumbing (discovery, subscribe POSTs, timers) mirrors the engine's subscriber, which runs otherwise.
import { randomBytes } from 'node:crypto';
import { EXERCISE_HEADER, exerciseModule, type Logger, markExercise } from '@hooklab/service';
import {
  discover,
  type HubAlgorithm,
  parseLinkHeader,
  type SubscriptionState,
  type WebSubContent,
  WebSubError,
  type WebSubSubscriber,
  type WebSubSubscription,
} from '@hooklab/webhooks';

/** The exports of workshop/09-websub-subscriber/problem/websub-subscriber.ts that the seam calls. */
export interface WebSubExercise {
  answerVerification(
    query: URLSearchParams,
    pending: { mode: 'subscribe' | 'unsubscribe'; topic: string }[],
    now: number,
  ): { status: number; body: string; lease?: { topic: string; expiresAt: number } };
  verifySignature(body: Uint8Array, header: string | undefined, secret: string): boolean;
  renewAt(verifiedAt: number, leaseSeconds: number): number;
}

/** What the markets feed uses of a subscriber: the engine's, or this one. */
export type FeedSubscriber = Pick<WebSubSubscriber, 'handle' | 'subscribe' | 'until' | 'list' | 'stop'>;

/** Whether `pnpm dev --exercise 09` is on; the module itself is imported (exerciseModule) when first used. */
export const websubExerciseOn = (dev: boolean, env: Record<string, string | undefined> = process.env) =>
  dev && env.HOOKLAB_EXERCISE === '09' && Boolean(env.HOOKLAB_EXERCISE_MODULE);

export interface ExerciseSubscriberOptions {
  callbackUrl: string;
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  onContent: (content: WebSubContent) => void | Promise<void>;
  dev: boolean;
  logger?: Logger | undefined;
  now?: () => number;
  maxBodyBytes?: number;
}

interface Entry {
  sub: WebSubSubscription;
  secret: string | null;
  timers: NodeJS.Timeout[];
}

const text = (status: number, body: string) =>
  new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });

/** A value the attendee returned, for an error message. */
export function show(v: unknown): string {
  let s: string | undefined;
  try {
    s = JSON.stringify(v);
  } catch {}
  s ??= String(v);
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}

type Attempt<T> = { ok: true; value: T } | { ok: false; message: string };

export function createExerciseSubscriber(opts: ExerciseSubscriberOptions): FeedSubscriber {
  const now = opts.now ?? Date.now;
  const maxBody = opts.maxBodyBytes ?? 1024 * 1024;
  const entries = new Map<string, Entry>();
  const waiters = new Set<() => void>();
  let stopped = false;
  const changed = () => {
    for (const w of [...waiters]) w();
  };

  /** Calls the attendee's `fn`; a module that does not load, lacks it or throws is a logged "exercise 09:" error. */
  async function attendee<K extends keyof WebSubExercise>(
    fn: K,
    call: (m: WebSubExercise) => ReturnType<WebSubExercise[K]>,
  ): Promise<Attempt<ReturnType<WebSubExercise[K]>>> {
    try {
      const m = await exerciseModule<WebSubExercise>('09', opts.dev);
      if (typeof m?.[fn] !== 'function') throw new Error(`the module exports no function ${fn}`);
      return { ok: true, value: call(m) };
    } catch (err) {
      const message = `exercise 09: ${fn} threw: ${err instanceof Error ? err.message : String(err)}`;
      opts.logger?.error(message);
      return { ok: false, message };
    }
  }

  const clearTimers = (e: Entry) => {
    for (const t of e.timers.splice(0)) clearTimeout(t);
  };
  const later = (e: Entry, at: number, fn: () => void) => {
    const t = setTimeout(fn, Math.max(0, at - now()));
    t.unref?.();
    e.timers.push(t);
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
    let res: Response;
    try {
      res = await opts.fetch(e.sub.hub, {
        method: 'POST',
        // A renewal is timed by the attendee's renewAt: the console marks that hop.
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(renewal ? { [EXERCISE_HEADER]: '09' } : {}),
        },
        body: form.toString(),
      });
    } catch (err) {
      throw new WebSubError('hub_unreachable', `POST ${e.sub.hub} failed: ${(err as Error).message}`);
    }
    const reason = (await res.text().catch(() => '')).slice(0, 500);
    if (res.status !== 202)
      throw new WebSubError('hub_refused', `hub answered ${res.status} to ${mode}: ${reason}`, res.status);
  }

  async function renew(e: Entry) {
    if (stopped || (e.sub.state !== 'active' && e.sub.state !== 'expired')) return;
    if (e.sub.state === 'expired')
      opts.logger?.warn(
        { topic: e.sub.topic },
        'exercise 09: renewing after the lease ended: what the hub had to send in between is lost',
      );
    e.sub.pending = 'subscribe';
    try {
      await postToHub(e, 'subscribe', true);
    } catch (err) {
      opts.logger?.warn({ topic: e.sub.topic, err: (err as Error).message }, 'websub renewal failed');
      later(e, now() + Math.max(1000, ((e.sub.expiresAt ?? 0) - now()) / 2), () => void renew(e));
    }
  }

  /** After a verified subscribe: when the lease ends, and when the attendee's renewAt says to renew. */
  async function schedule(e: Entry, leaseSeconds: number) {
    clearTimers(e);
    const expiresAt = e.sub.expiresAt;
    if (stopped || expiresAt == null) return;
    // The expiry timer first: a renewal timed at the very end of the lease comes after it.
    later(e, expiresAt, () => {
      if (e.sub.state !== 'active') return;
      e.sub.state = 'expired';
      changed();
      opts.logger?.warn({ topic: e.sub.topic }, 'exercise 09: the lease ended before a renewal was verified');
    });
    const at = await attendee('renewAt', (m) => m.renewAt(e.sub.verifiedAt ?? now(), leaseSeconds));
    if (!at.ok) return;
    if (!Number.isFinite(at.value)) {
      opts.logger?.error(`exercise 09: renewAt returned ${show(at.value)}, not a time (epoch ms)`);
      return;
    }
    later(e, at.value, () => void renew(e));
  }

  async function onVerification(url: URL, e: Entry | undefined): Promise<Response> {
    markExercise('09');
    const q = url.searchParams;
    const mode = q.get('hub.mode');
    const topic = q.get('hub.topic');
    const challenge = q.get('hub.challenge');
    const pending = e?.sub.pending ? [{ mode: e.sub.pending, topic: e.sub.topic }] : [];
    const r = await attendee('answerVerification', (m) =>
      m.answerVerification(new URLSearchParams(q), pending, now()),
    );
    if (!r.ok) return text(500, r.message);
    const a = r.value;
    if (!a || !Number.isInteger(a.status) || a.status < 200 || a.status > 599 || typeof a.body !== 'string') {
      const message = `exercise 09: answerVerification returned ${show(a)}: expected { status, body }`;
      opts.logger?.error(message);
      return text(500, message);
    }
    const ok = a.status >= 200 && a.status < 300;
    if (ok && mode === 'denied' && e && topic === e.sub.topic) {
      clearTimers(e);
      e.sub.state = 'denied';
      e.sub.pending = null;
      e.sub.deniedReason = q.get('hub.reason') ?? '';
      changed();
    } else if (ok && challenge && a.body === challenge && (mode === 'subscribe' || mode === 'unsubscribe')) {
      if (!e || e.sub.pending !== mode || topic !== e.sub.topic) {
        opts.logger?.warn(
          { mode, topic },
          'exercise 09: you confirmed a verification this callback never asked for: anyone could subscribe it to anything',
        );
      } else {
        e.sub.pending = null;
        e.sub.verifiedAt = now();
        if (mode === 'unsubscribe') {
          clearTimers(e);
          e.sub.state = 'unsubscribed';
        } else {
          const lease = Number(q.get('hub.lease_seconds'));
          const wasActive = e.sub.state === 'active';
          e.sub.state = 'active';
          e.sub.leaseSeconds = Number.isInteger(lease) && lease > 0 ? lease : null;
          // The lease end the attendee kept, if it is a time; else the hub's hub.lease_seconds.
          const kept = a.lease?.expiresAt;
          e.sub.expiresAt = Number.isFinite(kept)
            ? (kept as number)
            : e.sub.leaseSeconds
              ? e.sub.verifiedAt + e.sub.leaseSeconds * 1000
              : null;
          if (wasActive) e.sub.renewals++;
          if (e.sub.leaseSeconds) void schedule(e, e.sub.leaseSeconds);
        }
        changed();
      }
    }
    return text(a.status, a.body);
  }

  async function onContent(req: Request, url: URL, e: Entry | undefined): Promise<Response> {
    // 410 tells the hub to drop a subscription this subscriber no longer has (WebSub §7).
    if (e?.sub.state !== 'active') return text(410, 'no such subscription');
    if (Number(req.headers.get('content-length') ?? 0) > maxBody) return text(413, 'content too large');
    const body = new Uint8Array(await req.arrayBuffer());
    if (body.byteLength > maxBody) return text(413, 'content too large');
    let signature: HubAlgorithm | null = null;
    if (e.secret) {
      markExercise('09');
      const secret = e.secret;
      const header = req.headers.get('x-hub-signature') ?? undefined;
      const r = await attendee('verifySignature', (m) => m.verifySignature(body, header, secret));
      if (!r.ok) return text(500, r.message);
      // WebSub §8 allows acknowledging and ignoring; refusing makes a wrong verifier show as retried deliveries.
      if (r.value !== true) {
        opts.logger?.warn({ topic: e.sub.topic }, 'exercise 09: verifySignature refused a delivery');
        return text(403, 'X-Hub-Signature refused (exercise 09: verifySignature did not return true)');
      }
      signature = (header?.split('=')[0]?.toLowerCase() ?? null) as HubAlgorithm | null;
    }
    const self = parseLinkHeader(req.headers.get('link'), url.toString()).find((l) =>
      l.rels.includes('self'),
    );
    e.sub.deliveries++;
    try {
      await opts.onContent({
        subscription: { ...e.sub },
        topic: self?.href ?? e.sub.topic,
        contentType: req.headers.get('content-type') ?? '',
        body,
        text: () => Buffer.from(body).toString('utf8'),
        signature,
        receivedAt: now(),
      });
    } catch (err) {
      return text(500, `content handler failed: ${(err as Error).message}`);
    }
    return new Response(null, { status: 204 });
  }

  return {
    async subscribe(input) {
      if (stopped) throw new WebSubError('invalid_argument', 'subscriber stopped');
      const found = input.hub
        ? { topic: input.topic, hubs: [input.hub] }
        : await discover(input.topic, { fetch: opts.fetch });
      const id = `sub_${randomBytes(9).toString('base64url')}`;
      const callback = new URL(opts.callbackUrl);
      callback.searchParams.append('subscription', id);
      const e: Entry = {
        sub: {
          id,
          topic: found.topic,
          hub: found.hubs[0]!,
          callback: callback.toString(),
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
        timers: [],
      };
      entries.set(id, e);
      try {
        await postToHub(e, 'subscribe');
      } catch (err) {
        entries.delete(id);
        throw err;
      }
      return { ...e.sub };
    },

    until(id: string, states: SubscriptionState[], timeoutMs = 15_000): Promise<WebSubSubscription> {
      return new Promise((resolve, reject) => {
        const done = (err: Error | null, sub?: WebSubSubscription) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (err) reject(err);
          else resolve({ ...sub! });
        };
        const check = () => {
          const e = entries.get(id);
          if (!e) return done(new WebSubError('not_subscribed', `no subscription ${id}`));
          if (states.includes(e.sub.state)) return done(null, e.sub);
          if (e.sub.state === 'denied')
            return done(new WebSubError('denied', `hub denied ${e.sub.topic}: ${e.sub.deniedReason ?? ''}`));
        };
        const timer = setTimeout(
          () => done(new WebSubError('not_subscribed', `${id} did not reach ${states.join('/')}`)),
          timeoutMs,
        );
        waiters.add(check);
        check();
      });
    },

    async handle(req) {
      const url = new URL(req.url);
      const e = entries.get(url.searchParams.get('subscription') ?? '');
      if (req.method === 'GET') return onVerification(url, e);
      if (req.method === 'POST') return onContent(req, url, e);
      return new Response('method not allowed', { status: 405, headers: { allow: 'GET, POST' } });
    },

    list: () => [...entries.values()].map((e) => ({ ...e.sub })),

    stop() {
      stopped = true;
      for (const e of entries.values()) clearTimers(e);
    },
  };
}
