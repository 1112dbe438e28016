import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebClient } from '@slack/web-api';
import { check, defineScenario, type ScenarioContext, waitFor } from './scenario.ts';
import {
  answerCrc,
  type SocialClient,
  type SocialDelivery,
  socialClient,
  verifyDelivery,
} from './social-client.ts';

/** social's dev credentials (apps/social/README.md); a runner may pass others. */
export function socialKeys(ctx: ScenarioContext) {
  return {
    bearer: ctx.keys.social ?? 'AAAAAAAAAAAAAAAAAAAAAHooklabNotifierDevBearer',
    consumerSecret: String(ctx.params.social_consumer_secret ?? 'hooklab-social-notifier-consumer-secret'),
    userToken: String(ctx.params.social_user_token ?? 'su_test_atelier'),
  };
}

export interface HashtagArrival {
  delivery: SocialDelivery;
  /** Epoch ms at which it arrived, verified. */
  at: number;
}

/**
 * Where matching posts land. S12 starts its own (below); a runner may hand it another — the notifier's,
 * whose arrivals are the messages it posts into #social — as long as it answers the CRC and reports arrivals.
 */
export interface HashtagReceiver {
  url: string;
  /** Verified deliveries, in arrival order. */
  arrivals: HashtagArrival[];
  /** Deliveries whose signature did not verify (must stay 0). */
  refused: number;
  crcChecks: number;
  /**
   * Registered by itself (the notifier, at its start-up): S12 then re-runs its CRC (`PUT /2/webhooks/:id`)
   * instead of registering it, uses the rule already there, and leaves both in place.
   */
  managed?: boolean;
  close(): Promise<void>;
}

/** A receiver on 127.0.0.1:0 that answers the CRC with the consumer secret and verifies every POST. */
export async function startHashtagReceiver(consumerSecret: string): Promise<HashtagReceiver> {
  const state = { arrivals: [] as HashtagArrival[], refused: 0, crcChecks: 0 };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://receiver');
    if (req.method === 'GET') {
      const token = url.searchParams.get('crc_token');
      if (!token) return void res.writeHead(400).end();
      state.crcChecks++;
      return void res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(answerCrc(token, consumerSecret)));
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        const delivery = verifyDelivery(Buffer.concat(chunks).toString(), req.headers, consumerSecret);
        state.arrivals.push({ delivery, at: Date.now() });
        res.writeHead(200).end();
      } catch {
        state.refused++;
        res.writeHead(401).end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/social`,
    get arrivals() {
      return state.arrivals;
    },
    get refused() {
      return state.refused;
    },
    get crcChecks() {
      return state.crcChecks;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/**
 * The notifier as the receiver: its webhook and #dresses rule are at social already; an arrival is its message
 * showing in Slack's #social (the Slack UI's live stream), so the latency includes the Slack hop.
 */
export async function startNotifierReceiver(ctx: ScenarioContext): Promise<HashtagReceiver> {
  const slack = new WebClient(String(ctx.params.slack_user_token ?? ctx.keys.slack ?? 'xoxp-hooklab'), {
    slackApiUrl: `${ctx.urls.slack}/api/`,
    retryConfig: { retries: 0 },
    fetch: ctx.fetch as typeof fetch,
  });
  const channelName = String(ctx.params.social_channel ?? 'social').replace(/^#/, '');
  const channel = ((await slack.conversations.list({ limit: 200 })).channels ?? []).find(
    (c) => c.name === channelName,
  )?.id;
  check(channel, `Slack has a #${channelName} channel`);
  const arrivals: HashtagArrival[] = [];
  // Slack's UI live stream (dev mode) rather than polling conversations.history: no rate limit, exact arrival.
  const abort = new AbortController();
  ctx.signal?.addEventListener('abort', () => abort.abort());
  const res = await fetch(`${ctx.urls.slack}/ui/stream`, { signal: abort.signal });
  check(res.ok && res.body, 'Slack’s live stream answered (dev mode)', { status: res.status });
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let ready: () => void = () => {};
  const opened = new Promise<void>((r) => (ready = r));
  const loop = (async () => {
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buf += value;
      for (let cut = buf.indexOf('\n\n'); cut >= 0; cut = buf.indexOf('\n\n')) {
        const frame = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        if (/^event: ready/m.test(frame)) ready();
        const data = frame
          .split('\n')
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).trim())
          .join('');
        if (!data) continue;
        const e = JSON.parse(data) as {
          type?: string;
          channel?: string;
          message?: { text?: string; blocks?: unknown[] };
        };
        if (e.type !== 'message' || e.channel !== channel) continue;
        // The notifier links each message to its post: `…/#post-<id>` in the blocks.
        const id = /#post-(\d+)/.exec(JSON.stringify(e.message?.blocks ?? []))?.[1];
        if (!id || arrivals.some((a) => a.delivery.data.id === id)) continue;
        arrivals.push({
          at: Date.now(),
          delivery: {
            data: {
              id,
              text: e.message?.text ?? '',
              author_id: '',
              created_at: '',
              edit_history_tweet_ids: [id],
            },
            matching_rules: [],
          },
        });
      }
    }
  })();
  await opened;
  return {
    url: `${ctx.urls.notifier}/webhooks/social`,
    arrivals,
    refused: 0,
    crcChecks: 0,
    managed: true,
    close: async () => {
      abort.abort();
      await loop;
    },
  };
}

/** True when the notifier and Slack are in the stack: its social feed is registered, and social lists its webhook. */
export async function notifierReceivesSocial(ctx: ScenarioContext, client: SocialClient): Promise<boolean> {
  const status = async () => {
    const res = await ctx.fetch(`${ctx.urls.notifier}/api/status`).catch(() => undefined);
    if (!res?.ok) return undefined;
    return ((await res.json().catch(() => ({}))) as { feeds?: { social?: string } }).feeds?.social;
  };
  let state = await status();
  if (state === 'pending')
    state = await waitFor(async () => ((await status()) === 'registered' ? 'registered' : undefined), {
      what: 'the notifier’s webhook at social',
      timeoutMs: 15_000,
    }).catch(() => undefined);
  if (state !== 'registered') return false;
  // Arrivals are read from Slack: without it in the stack, S12 keeps its own receiver.
  const slack = await ctx.fetch(`${ctx.urls.slack}/healthz`).catch(() => undefined);
  if (!slack?.ok) return false;
  const url = `${ctx.urls.notifier}/webhooks/social`;
  return (await client.listWebhooks()).some((h) => h.url === url);
}

interface Poller {
  requests: number;
  empty: number;
  /** Post id → epoch ms the poller first saw it. */
  seen: Map<string, number>;
  stop(): Promise<void>;
}

/** Calls recent search every `intervalMs` with the newest id it has seen as `since_id`, counting. */
function startPoller(client: SocialClient, query: string, intervalMs: number, signal?: AbortSignal): Poller {
  const p = { requests: 0, empty: 0, seen: new Map<string, number>() };
  let sinceId: string | undefined;
  let stopped = false;
  const loop = (async () => {
    while (!stopped && !signal?.aborted) {
      const page = await client.searchRecent({ query, sinceId, maxResults: 100 });
      p.requests++;
      const now = Date.now();
      if (!page.data?.length) p.empty++;
      for (const post of page.data ?? []) if (!p.seen.has(post.id)) p.seen.set(post.id, now);
      sinceId = page.meta.newest_id ?? sinceId;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    ...p,
    get requests() {
      return p.requests;
    },
    get empty() {
      return p.empty;
    },
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

const percentile = (xs: number[], q: number) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
};

export interface S12Result {
  /** Whose webhook received the posts: the scenario's own receiver, or the notifier (arrival = its Slack message). */
  receiver: 'own' | 'notifier';
  webhookId: string;
  ruleId: string;
  posts: number;
  pollIntervalMs: number;
  push: {
    deliveries: number;
    refused: number;
    crcChecks: number;
    latencyMs: { p50: number | null; max: number | null };
  };
  polling: { requests: number; empty: number; stalenessMs: { p50: number | null; max: number | null } };
}

export const s12 = defineScenario<S12Result>({
  id: 'S12',
  title: 'Hashtag posts → webhooks',
  story:
    'A receiver registers a webhook with the social service — a challenge–response check (CRC) proves it ' +
    'holds the app’s consumer secret — and a rule for #dresses. Each matching post is delivered to it, signed ' +
    '(x-twitter-webhooks-signature) with the rule that matched; other posts are not. A poller of the search ' +
    'API runs beside it and counts its requests, the empty ones and how stale it was.',
  actors: ['social'],
  steps: [
    'The receiver starts and registers POST /2/webhooks {url}; social runs the CRC against it at once',
    'It adds the rule #dresses (POST /2/tweets/search/stream/rules)',
    'A poller starts: GET /2/tweets/search/recent?query=%23dresses&since_id=… every interval',
    'A post without #dresses, then one with it: only the second arrives, signed and verified',
    'More #dresses posts: each is pushed, and the poller finds it on its next request',
    'The counts, side by side; the webhook and rule are removed',
  ],
  async run(ctx: ScenarioContext) {
    // With the notifier in the stack, its webhook is the receiver and the figures run to Slack's #social.
    const choice = String(ctx.params.receiver ?? 'auto');
    const keys = socialKeys(ctx);
    const client = socialClient({ baseUrl: ctx.urls.social, bearerToken: keys.bearer, fetch: ctx.fetch });
    const notifier =
      choice === 'notifier' || (choice === 'auto' && (await notifierReceivesSocial(ctx, client)));
    return runS12(ctx, (secret) => (notifier ? startNotifierReceiver(ctx) : startHashtagReceiver(secret)));
  },
});

/** S12 with a receiver of the runner's choosing (the scenario's own by default). */
export async function runS12(
  ctx: ScenarioContext,
  makeReceiver: (consumerSecret: string) => Promise<HashtagReceiver>,
): Promise<S12Result> {
  const keys = socialKeys(ctx);
  const posts = Number(ctx.params.posts ?? 5);
  const pollIntervalMs = Number(ctx.params.poll_interval_ms ?? 1000);
  const postIntervalMs = Number(ctx.params.post_interval_ms ?? 400);
  const client = socialClient({ baseUrl: ctx.urls.social, bearerToken: keys.bearer, fetch: ctx.fetch });
  const receiver = await makeReceiver(keys.consumerSecret);
  let poller: Poller | undefined;
  const cleanup: (() => Promise<unknown>)[] = [];
  try {
    ctx.step(0);
    let webhook: Awaited<ReturnType<SocialClient['registerWebhook']>>;
    let crcChecks: () => number = () => receiver.crcChecks;
    if (receiver.managed) {
      const existing = (await client.listWebhooks()).find((h) => h.url === receiver.url);
      check(existing, 'the receiver registered its webhook at social', { url: receiver.url });
      // A CRC now (PUT): valid again only if the receiver answers with the consumer secret.
      webhook = await client.revalidateWebhook(existing.id);
      crcChecks = () => (webhook.valid ? 1 : 0);
      ctx.say(
        `the notifier registered ${webhook.id} → ${webhook.url} at its start; S12 re-runs its CRC (PUT)`,
      );
    } else {
      webhook = await client.registerWebhook(receiver.url);
      const id = webhook.id;
      cleanup.push(() => client.deleteWebhook(id));
    }
    check(webhook.valid === true, 'the webhook passed its CRC', webhook);
    check(crcChecks() >= 1, 'social sent the receiver a crc_token before answering', {
      crcChecks: crcChecks(),
    });
    ctx.say(
      `webhook ${webhook.id} → ${webhook.url}: CRC passed (response_token = sha256=base64(HMAC(consumer secret, crc_token)))`,
    );

    ctx.step(1);
    const kept = receiver.managed
      ? (await client.listRules()).find((r) => r.value.toLowerCase() === '#dresses')
      : undefined;
    const [rule] = kept ? [kept] : await client.addRules([{ value: '#dresses', tag: 'dresses (S12)' }]);
    if (!kept) cleanup.push(() => client.deleteRules([rule!.id]));
    ctx.say(`rule ${rule!.id}: ${rule!.value} (tag "${rule!.tag}")`);

    ctx.step(2);
    poller = startPoller(client, '#dresses', pollIntervalMs, ctx.signal);
    ctx.say(`poller: every ${pollIntervalMs} ms, since_id = the newest id it has seen`);

    ctx.step(3);
    const before = receiver.arrivals.length;
    const miss = await client.post(keys.userToken, 'Morning coffee at the atelier, no hashtags to see here');
    const hitAt = Date.now();
    const hit = await client.post(keys.userToken, 'The linen wrap is back #dresses');
    const first = await waitFor(() => receiver.arrivals[before], {
      what: 'the #dresses post at the receiver',
      timeoutMs: 10_000,
    });
    // The witness that the first post was never sent: deliveries are in order, and the first one is the second post.
    check(
      first.delivery.data.id === hit.id,
      'the first delivery is the #dresses post, not the one before it',
      {
        first: first.delivery.data.id,
        miss: miss.id,
        hit: hit.id,
      },
    );
    // Slack's message does not carry matching_rules; the notifier posts only what its rule matched.
    if (!receiver.managed)
      check(
        first.delivery.matching_rules.some((r) => r.id === rule!.id),
        'the delivery names the rule that matched',
        first.delivery.matching_rules,
      );
    ctx.say(
      receiver.managed
        ? `post ${miss.id} (no #dresses): not delivered; post ${hit.id}: delivered to the notifier, verified, and in #social: “${first.delivery.data.text}”`
        : `post ${miss.id} (no #dresses): not delivered; post ${hit.id}: delivered, signature verified, matching_rules ${JSON.stringify(first.delivery.matching_rules)}`,
    );

    ctx.step(4);
    // Staleness and latency both count from just before the post was sent.
    const created = new Map<string, number>([[hit.id, hitAt]]);
    for (let i = 0; i < posts; i++) {
      await new Promise((r) => setTimeout(r, postIntervalMs));
      const at = Date.now();
      const p = await client.post(keys.userToken, `New in: dress no. ${i + 1} #dresses`);
      created.set(p.id, at);
    }
    const ids = [...created.keys()];
    await waitFor(() => ids.every((id) => receiver.arrivals.some((a) => a.delivery.data.id === id)), {
      what: 'every #dresses post at the receiver',
      timeoutMs: 15_000,
    });
    await waitFor(() => ids.every((id) => poller!.seen.has(id)), {
      what: 'the poller to find every post',
      timeoutMs: pollIntervalMs * 3 + 10_000,
    });
    await poller.stop();
    ctx.say(`${ids.length} #dresses posts: all pushed; the poller found them too`);

    ctx.step(5);
    const latency = ids.map(
      (id) => receiver.arrivals.find((a) => a.delivery.data.id === id)!.at - created.get(id)!,
    );
    const staleness = ids.map((id) => poller!.seen.get(id)! - created.get(id)!);
    check(receiver.refused === 0, 'every delivery verified', { refused: receiver.refused });
    const result: S12Result = {
      receiver: receiver.managed ? 'notifier' : 'own',
      webhookId: webhook.id,
      ruleId: rule!.id,
      posts: ids.length,
      pollIntervalMs,
      push: {
        deliveries: receiver.arrivals.length - before,
        refused: receiver.refused,
        crcChecks: crcChecks(),
        latencyMs: { p50: percentile(latency, 0.5), max: percentile(latency, 1) },
      },
      polling: {
        requests: poller.requests,
        empty: poller.empty,
        stalenessMs: { p50: percentile(staleness, 0.5), max: percentile(staleness, 1) },
      },
    };
    ctx.say(
      `push: ${result.push.deliveries} deliveries, p50 ${result.push.latencyMs.p50} ms · polling: ${result.polling.requests} requests, ${result.polling.empty} empty, staleness p50 ${result.polling.stalenessMs.p50} ms`,
      result,
    );
    return result;
  } finally {
    await poller?.stop().catch(() => undefined);
    for (const c of cleanup.reverse()) await c().catch(() => undefined);
    await receiver.close();
  }
}
