// Our subscriber against a hub no one here wrote: the npm `@dwk/websub`, built for Cloudflare Workers (D1, Queues),
// run in plain Node with the two things it needs from the platform: a subscription store and a queue.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createWebSub,
  createWebSubQueueConsumer,
  type Subscription,
  type SubscriptionStore,
  type WebSubConfig,
  type WebSubEnv,
  type WebSubJob,
} from '@dwk/websub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallbackServer, startCallbackServer } from './callback-server.ts';
import { createWebSubSubscriber, type WebSubContent, type WebSubEvent } from './subscriber.ts';

/** D1 stand-in: the store interface the consumer accepts in place of its D1 one. */
function memoryStore(): SubscriptionStore & { rows: Map<string, Subscription> } {
  const rows = new Map<string, Subscription>();
  const key = (callback: string, topic: string) => `${callback} ${topic}`;
  return {
    rows,
    async upsert(s) {
      rows.set(key(s.callback, s.topic), {
        callback: s.callback,
        topic: s.topic,
        secret: s.secret ?? null,
        leaseSeconds: s.leaseSeconds,
        expiresAt: s.now + s.leaseSeconds * 1000,
        createdAt: s.now,
      });
    },
    async remove(callback, topic) {
      rows.delete(key(callback, topic));
    },
    async listActive(topic, now) {
      return [...rows.values()].filter((r) => r.topic === topic && r.expiresAt > now);
    },
    async get(callback, topic) {
      return rows.get(key(callback, topic)) ?? null;
    },
    async pruneExpired(now) {
      let n = 0;
      for (const [k, r] of rows) if (r.expiresAt <= now && rows.delete(k)) n++;
      return n;
    },
  };
}

/** Cloudflare Queue stand-in: each message is handed to the consumer on its own, retries after a (shortened) delay. */
function queueShim(consume: (batch: unknown) => Promise<void>) {
  let nextId = 0;
  const deliver = (body: WebSubJob, attempts: number) => {
    const message = {
      id: String(++nextId),
      timestamp: new Date(),
      body,
      attempts,
      ack() {},
      retry(opts?: { delaySeconds?: number }) {
        // Seconds become milliseconds: the test does not wait for Cloudflare's 30 s backoff.
        setTimeout(() => deliver(body, attempts + 1), opts?.delaySeconds ?? 1);
      },
    };
    setImmediate(() => {
      void consume({ queue: 'websub', messages: [message], ackAll() {}, retryAll() {} });
    });
  };
  return {
    async send(body: WebSubJob) {
      deliver(body, 1);
    },
    async sendBatch(messages: Iterable<{ body: WebSubJob }>) {
      for (const m of messages) deliver(m.body, 1);
    },
  };
}

interface DwkHub {
  url: string;
  store: ReturnType<typeof memoryStore>;
  close(): Promise<void>;
}

async function startDwkHub(allowedHosts: string[], extra: Partial<WebSubConfig> = {}): Promise<DwkHub> {
  const store = memoryStore();
  let url = '';
  const config = (): WebSubConfig => ({
    baseUrl: url,
    hubUrl: url,
    isAllowedTopic: () => true,
    minLeaseSeconds: 60,
    fetchAllowedHosts: allowedHosts,
    ...extra,
  });
  let handler: ReturnType<typeof createWebSub>;
  let consumer: ReturnType<typeof createWebSubQueueConsumer>;
  const env = {
    WEBSUB_QUEUE: queueShim((batch) => consumer(batch as never, env, {} as never)),
  } as unknown as WebSubEnv;
  const server = await startCallbackServer((req) => handler(req, env, {} as never), { path: '/' });
  url = server.url;
  allowedHosts.push(new URL(url).host);
  handler = createWebSub(config());
  consumer = createWebSubQueueConsumer(config(), { store });
  return { url, store, close: server.close };
}

/** A publisher: one JSON topic advertising the dwk hub, whose content changes when told. */
async function startTopic() {
  let hubUrl = '';
  let price = 100;
  const server = createServer((req, res) => {
    res.writeHead(200, {
      'content-type': 'application/json',
      link: `<${hubUrl}>; rel="hub", <http://${req.headers.host}/topics/ACME>; rel="self"`,
    });
    res.end(JSON.stringify({ symbol: 'ACME', price }));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}/topics/ACME`,
    host: new URL(base).host,
    setHub: (u: string) => {
      hubUrl = u;
    },
    setPrice: (p: number) => {
      price = p;
    },
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

const until = async <T>(probe: () => T | undefined, what: string): Promise<T> => {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

let topic: Awaited<ReturnType<typeof startTopic>>;
let callback: CallbackServer;
const received: WebSubContent[] = [];
const events: WebSubEvent[] = [];
let subscriber: ReturnType<typeof createWebSubSubscriber>;
const allowedHosts: string[] = [];

beforeAll(async () => {
  topic = await startTopic();
  let handle: (r: Request) => Promise<Response> = async () => new Response(null, { status: 503 });
  callback = await startCallbackServer((r) => handle(r));
  subscriber = createWebSubSubscriber({
    callbackUrl: callback.url,
    onContent: (c) => {
      received.push(c);
    },
    onEvent: (e) => events.push(e),
  });
  handle = subscriber.handle;
  allowedHosts.push(topic.host, new URL(callback.url).host);
});

afterAll(async () => {
  subscriber?.stop();
  await callback?.close();
  await topic?.close();
});

describe('our subscriber against the @dwk/websub hub', () => {
  it.each(['sha256', 'sha1', 'sha512'] as const)(
    'discovers, subscribes (202), is verified, takes a %s-signed delivery and unsubscribes',
    async (algorithm) => {
      const hub = await startDwkHub([...allowedHosts], { signatureAlgorithm: algorithm });
      try {
        topic.setHub(hub.url);
        const sub = await subscriber.subscribe({
          topic: topic.url,
          secret: `secret-${algorithm}`,
          leaseSeconds: 5,
        });
        expect(sub.hub).toBe(hub.url);
        const active = await subscriber.until(sub.id, ['active']);
        // The hub clamps the 5 s asked for to its 60 s minimum; the subscriber keeps what was granted.
        expect(active.leaseSeconds).toBe(60);
        // The hub stores the subscription once our echo of the challenge came back.
        await until(() => hub.store.rows.size === 1, 'the hub to store the subscription');

        topic.setPrice(101.25);
        const before = received.length;
        const ping = await fetch(hub.url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': topic.url }).toString(),
        });
        expect(ping.status).toBe(202);
        const got = await until(() => received[before], 'a delivery');
        expect(got).toMatchObject({
          topic: topic.url,
          contentType: 'application/json',
          signature: algorithm,
        });
        expect(JSON.parse(got.text())).toEqual({ symbol: 'ACME', price: 101.25 });

        await subscriber.unsubscribe(sub.id);
        expect((await subscriber.until(sub.id, ['unsubscribed'])).state).toBe('unsubscribed');
        await until(() => hub.store.rows.size === 0, 'the hub to drop the subscription');
      } finally {
        await hub.close();
      }
    },
  );

  it('refuses to confirm a subscription it did not ask for, and the hub never stores it', async () => {
    const hub = await startDwkHub([...allowedHosts]);
    try {
      const refusedBefore = subscriber.stats().verificationsRefused;
      // Someone else asks the hub to send our callback a topic: the verification GET must get a 404.
      const forged = await fetch(hub.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          'hub.mode': 'subscribe',
          'hub.callback': `${callback.url}?subscription=sub_forged`,
          'hub.topic': topic.url,
        }).toString(),
      });
      expect(forged.status).toBe(202);
      // The refused verification, then the hub's denial notice (for a topic we never asked for: refused too).
      await until(
        () => subscriber.stats().verificationsRefused >= refusedBefore + 2,
        'verification and denial',
      );
      expect(hub.store.rows.size).toBe(0);
    } finally {
      await hub.close();
    }
  });
});
