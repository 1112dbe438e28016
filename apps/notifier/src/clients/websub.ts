// The notifier's WebSub side: the ticker's topics, subscribed through their hub with a secret, using the
// subscriber of @hooklab/webhooks (verification only for what it is pending on, X-Hub-Signature, renewal).
import { randomBytes } from 'node:crypto';
import type { FetchLike, Logger } from '@hooklab/service';
import {
  createWebSubSubscriber,
  type WebSubContent,
  type WebSubSubscriber,
  type WebSubSubscription,
} from '@hooklab/webhooks';
import { websubExercise } from './websub-exercise.ts';

export interface MarketsFeed {
  /** The callback endpoint (`/webhooks/markets`): 404 until the feed has started. */
  handle(req: Request): Promise<Response>;
  /** Creates the subscriber for `callbackUrl` (known once the server listens); idempotent. */
  start(callbackUrl: string): void;
  /**
   * Every watched topic active: discovers the ticker's topics (Link headers) and subscribes to the ones not
   * active yet; waits for the hub's verification. Safe to call again after a failure.
   */
  ensure(): Promise<{ id: string; topics: string[] }>;
  subscriptions(): WebSubSubscription[];
  stop(): void;
}

export interface MarketsFeedOptions {
  tickerUrl: string;
  /** Symbols to watch; empty = every symbol `GET /quotes` lists. */
  symbols: string[];
  leaseSeconds: number;
  /** Through the SSRF guard: topic and hub URLs come from the ticker's answers. */
  fetch: FetchLike;
  onContent: (content: WebSubContent) => void | Promise<void>;
  logger?: Logger | undefined;
  verifyTimeoutMs?: number;
  /** Dev mode: `pnpm dev --exercise 09` gives the subscriber the attendee's three duties. */
  dev?: boolean;
}

export function createMarketsFeed(opts: MarketsFeedOptions): MarketsFeed {
  let subscriber: WebSubSubscriber | undefined;
  // One secret per process: the subscriber keeps subscriptions in memory, so a restart subscribes afresh and
  // the hub's deliveries to the old callbacks get 410 (which removes them).
  const secret = randomBytes(32).toString('base64url');
  const base = opts.tickerUrl.replace(/\/+$/, '');

  async function topicUrls(): Promise<string[]> {
    let symbols = opts.symbols;
    if (symbols.length === 0) {
      const res = await opts.fetch(`${base}/quotes`, { headers: { accept: 'application/json' } });
      if (!res.ok) throw new Error(`GET ${base}/quotes answered ${res.status}`);
      symbols = ((await res.json()) as { data: { symbol: string }[] }).data.map((q) => q.symbol);
    }
    return symbols.map((s) => `${base}/topics/${encodeURIComponent(s.toUpperCase())}`);
  }

  return {
    async handle(req) {
      if (!subscriber) return new Response('not subscribed yet', { status: 404 });
      return subscriber.handle(req);
    },
    start(callbackUrl) {
      if (subscriber) return;
      const exercise = websubExercise(opts.dev ?? false, opts.logger);
      if (exercise)
        opts.logger?.info(
          'exercise 09: the WebSub subscriber runs your answerVerification, verifySignature, renewAt',
        );
      subscriber = createWebSubSubscriber({
        callbackUrl,
        fetch: opts.fetch as (input: string | URL | Request, init?: RequestInit) => Promise<Response>,
        onContent: opts.onContent,
        ...exercise,
        onEvent: (e) => {
          opts.logger?.debug({ event: e.type, topic: e.topic, detail: e.detail }, 'websub subscriber');
          exercise?.onEvent(e);
        },
      });
    },
    async ensure() {
      if (!subscriber) throw new Error('the markets feed has not started');
      const s = subscriber;
      const wanted = await topicUrls();
      const ids: string[] = [];
      for (const url of wanted) {
        // The topic as the hub knows it is the rel="self" discovery finds, which is this URL for the ticker.
        const live = s.list().find((x) => x.topic === url && x.state === 'active');
        ids.push(live?.id ?? (await s.subscribe({ topic: url, secret, leaseSeconds: opts.leaseSeconds })).id);
      }
      await Promise.all(ids.map((id) => s.until(id, ['active'], opts.verifyTimeoutMs ?? 15_000)));
      return { id: `${ids.length} topic(s)`, topics: wanted };
    },
    subscriptions: () => subscriber?.list() ?? [],
    stop: () => subscriber?.stop(),
  };
}
