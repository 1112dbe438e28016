// The hub against every MUST of WIRE.md's WebSub section (W3C WebSub §5–§8), over the network, with our own
// subscriber and topic server on loopback ports. Each test waits for a witness that must arrive.
import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { intents, subscriptions, topics, verifications } from './db/schema.ts';
import {
  type Received,
  type RunningHub,
  startSubscriber,
  startTestHub,
  startTopicServer,
} from './test-support.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(env: Record<string, string> = {}) {
  const hub = await startTestHub(env);
  const sub = await startSubscriber();
  const pub = await startTopicServer();
  cleanups.push(hub.close, sub.close, pub.close);
  return { hub, sub, pub };
}

/** Polls until `fn` returns something truthy: a witness that must come. */
async function eventually<T>(fn: () => T | Promise<T>, what: string, ms = 10_000): Promise<NonNullable<T>> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const isGet = (mode: string, topic?: string) => (r: Received) =>
  r.method === 'GET' &&
  r.url.searchParams.get('hub.mode') === mode &&
  (!topic || r.url.searchParams.get('hub.topic') === topic);
const isPost = (topic?: string) => (r: Received) =>
  r.method === 'POST' && (!topic || String(r.headers.link).includes(`<${topic}>; rel="self"`));

const verifiedCount = (hub: RunningHub, outcome: string) =>
  hub.ctx.db
    .select()
    .from(verifications)
    .all()
    .filter((v) => v.outcome === outcome).length;

async function subscribe(
  hub: RunningHub,
  sub: { base: string },
  topic: string,
  extra: Record<string, string> = {},
  path = '/cb',
) {
  const res = await hub.post({
    'hub.mode': 'subscribe',
    'hub.callback': `${sub.base}${path}`,
    'hub.topic': topic,
    ...extra,
  });
  expect(res.status).toBe(202);
  return res;
}

const activeSub = (hub: RunningHub, topic: string) =>
  hub.ctx.db
    .select()
    .from(subscriptions)
    .all()
    .find((s) => s.topic === topic);

describe('WebSub hub: subscription requests (§5.1)', () => {
  it('refuses a mailto:, queue: or topic: callback with a 400 saying why (the intent check is a GET)', async () => {
    const { hub } = await setup();
    for (const callback of ['mailto:ops@atelier.test', 'queue:orders', 'topic:orders/eu']) {
      const res = await hub.post({
        'hub.mode': 'subscribe',
        'hub.callback': callback,
        'hub.topic': 'http://127.0.0.1:1/feed',
      });
      expect(res.status, callback).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await res.text()).toMatch(
        /^hub\.callback must be an http or https URL: mailto:, queue: and topic: targets are not possible here: WebSub verifies intent with a GET to the callback/,
      );
    }
  });

  it('answers 4xx with a plain-text reason for each malformed request, and stores nothing', async () => {
    const { hub, sub } = await setup();
    const cb = `${sub.base}/cb`;
    const topic = 'http://127.0.0.1:1/feed';
    const cases: [Record<string, string>, RegExp][] = [
      [{ 'hub.callback': cb, 'hub.topic': topic }, /hub\.mode is required/],
      [{ 'hub.mode': 'follow', 'hub.callback': cb, 'hub.topic': topic }, /hub\.mode must be/],
      [{ 'hub.mode': 'subscribe', 'hub.topic': topic }, /hub\.callback is required/],
      [{ 'hub.mode': 'subscribe', 'hub.callback': cb }, /hub\.topic is required/],
      [
        { 'hub.mode': 'subscribe', 'hub.callback': 'not a url', 'hub.topic': topic },
        /hub\.callback is not an absolute URL/,
      ],
      [
        { 'hub.mode': 'subscribe', 'hub.callback': 'ftp://127.0.0.1/cb', 'hub.topic': topic },
        /http or https/,
      ],
      [
        { 'hub.mode': 'subscribe', 'hub.callback': cb, 'hub.topic': 'mailto:a@b.c' },
        /hub\.topic must be an http/,
      ],
      [
        { 'hub.mode': 'subscribe', 'hub.callback': cb, 'hub.topic': topic, 'hub.secret': 'x'.repeat(200) },
        /less than 200 bytes/,
      ],
      [
        { 'hub.mode': 'subscribe', 'hub.callback': cb, 'hub.topic': topic, 'hub.lease_seconds': '-5' },
        /whole number/,
      ],
      [
        { 'hub.mode': 'subscribe', 'hub.callback': cb, 'hub.topic': topic, 'hub.signature_algorithm': 'md5' },
        /sha1, sha256/,
      ],
      [
        { 'hub.mode': 'subscribe', 'hub.callback': 'http://10.0.0.1/cb', 'hub.topic': topic },
        /hub\.callback is not allowed/,
      ],
      [{ 'hub.mode': 'publish' }, /hub\.url or hub\.topic is required/],
      [{ 'hub.mode': 'publish', 'hub.url': 'javascript:alert(1)' }, /http or https/],
    ];
    for (const [form, reason] of cases) {
      const res = await hub.post(form);
      expect(res.status, JSON.stringify(form)).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await res.text()).toMatch(reason);
    }
    const json = await fetch(`${hub.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(415);
    expect(await json.text()).toMatch(/form/);
    // A client that asks for JSON alone gets the same reason as problem+json.
    const asJson = await fetch(`${hub.url}/`, {
      method: 'POST',
      headers: { accept: 'application/json' },
      body: new URLSearchParams({ 'hub.mode': 'nope' }),
    });
    expect(asJson.status).toBe(400);
    expect(asJson.headers.get('content-type')).toBe('application/problem+json');
    expect(await asJson.json()).toMatchObject({
      status: 400,
      code: 'invalid_request',
      title: expect.stringMatching(/hub\.mode must be/),
    });
    const huge = await hub.post({ 'hub.mode': 'publish', 'hub.url': `http://x.test/${'a'.repeat(70_000)}` });
    expect(huge.status).toBe(413);
    expect(huge.headers.get('content-type')).toMatch(/^text\/plain/);
    // Nothing was stored, nothing scheduled.
    for (const table of [intents, topics, subscriptions, verifications])
      expect(hub.ctx.db.select().from(table).all()).toEqual([]);
    expect(hub.ctx.jobs.pending()).toBe(0);
    // A secret of 199 bytes is fine (the limit is "less than 200").
    const ok = await hub.post({
      'hub.mode': 'subscribe',
      'hub.callback': cb,
      'hub.topic': topic,
      'hub.secret': `${'é'.repeat(99)}x`,
    });
    expect(ok.status).toBe(202);
  });

  it('ignores unknown parameters, keeps the callback’s query string and appends its own with &', async () => {
    const { hub, sub, pub } = await setup();
    const topic = pub.set('/feed', '{}');
    await subscribe(hub, sub, topic, { 'hub.verify': 'async', 'x.custom': '1' }, '/cb?token=abc&x=1');
    const get = await sub.next(isGet('subscribe'));
    expect(get.url.pathname).toBe('/cb');
    expect(get.url.searchParams.get('token')).toBe('abc');
    expect(get.url.searchParams.get('x')).toBe('1');
    expect(get.url.search.startsWith('?token=abc&x=1&hub.')).toBe(true);
    expect(get.url.searchParams.get('hub.topic')).toBe(topic);
    expect(get.url.searchParams.get('hub.challenge')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(get.url.searchParams.has('x.custom')).toBe(false);
  });

  it('answers 202 without waiting for the subscriber: verification runs after the answer', async () => {
    const { hub, sub, pub } = await setup();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    // The subscriber holds its answer to the verification until the test has the hub's 202 in hand.
    sub.setAnswer(async (r) => (r.method === 'GET' ? held.then(() => undefined) : undefined));
    const topic = pub.set('/slow', '{}');
    await subscribe(hub, sub, topic);
    expect(activeSub(hub, topic)).toBeUndefined();
    release();
    await sub.next(isGet('subscribe'));
    await eventually(() => activeSub(hub, topic), 'the subscription');
  });
});

describe('WebSub hub: verification of intent (§5.3)', () => {
  it('sends hub.mode, hub.topic, hub.challenge and hub.lease_seconds; an echoed challenge with 2xx activates', async () => {
    const { hub, sub, pub } = await setup();
    const topic = pub.set('/feed', '{}');
    await subscribe(hub, sub, topic, { 'hub.lease_seconds': '3600' });
    const get = await sub.next(isGet('subscribe'));
    expect(get.url.searchParams.get('hub.lease_seconds')).toBe('3600');
    const s = await eventually(() => activeSub(hub, topic), 'the subscription');
    expect(s.leaseSeconds).toBe(3600);
  });

  it('clamps leases to the configured minimum and maximum', async () => {
    const { hub, sub, pub } = await setup({ HUB_LEASE_MIN_SECONDS: '60', HUB_LEASE_MAX_SECONDS: '600' });
    const low = pub.set('/low', '{}');
    const high = pub.set('/high', '{}');
    const none = pub.set('/none', '{}');
    await subscribe(hub, sub, low, { 'hub.lease_seconds': '1' });
    await subscribe(hub, sub, high, { 'hub.lease_seconds': '999999' });
    await subscribe(hub, sub, none);
    expect((await sub.next(isGet('subscribe', low))).url.searchParams.get('hub.lease_seconds')).toBe('60');
    expect((await sub.next(isGet('subscribe', high))).url.searchParams.get('hub.lease_seconds')).toBe('600');
    // No lease asked: the default (a day), clamped to the maximum too.
    expect((await sub.next(isGet('subscribe', none))).url.searchParams.get('hub.lease_seconds')).toBe('600');
  });

  it('does not subscribe when the subscriber answers 404 or does not echo the challenge', async () => {
    const { hub, sub, pub } = await setup();
    sub.setAnswer((r) =>
      r.method !== 'GET'
        ? undefined
        : r.url.pathname === '/no'
          ? { status: 404 }
          : { status: 200, body: 'wrong' },
    );
    const topic = pub.set('/feed', '{}');
    await subscribe(hub, sub, topic, {}, '/no');
    await subscribe(hub, sub, topic, {}, '/wrong');
    await eventually(() => verifiedCount(hub, 'refused') === 2, 'two refusals');
    expect(hub.ctx.db.select().from(subscriptions).all()).toEqual([]);
    const details = hub.ctx.db
      .select()
      .from(verifications)
      .all()
      .map((v) => v.detail);
    expect(details.sort()).toEqual(['answered 404', 'did not echo hub.challenge']);
  });

  it('leaves the old subscription unchanged when a re-subscription fails verification', async () => {
    const { hub, sub, pub } = await setup();
    const topic = pub.set('/feed', '{"v":1}');
    await subscribe(hub, sub, topic, { 'hub.secret': 'first-secret', 'hub.lease_seconds': '3600' });
    const before = await eventually(() => activeSub(hub, topic), 'the subscription');
    sub.setAnswer((r) => (r.method === 'GET' ? { status: 404 } : undefined));
    await subscribe(hub, sub, topic, { 'hub.secret': 'second-secret', 'hub.lease_seconds': '7200' });
    await eventually(() => verifiedCount(hub, 'refused') === 1, 'the refusal');
    expect(activeSub(hub, topic)).toEqual(before);
    // And content is still signed with the first secret.
    await hub.post({ 'hub.mode': 'publish', 'hub.url': topic });
    const post = await sub.next(isPost(topic));
    expect(post.headers['x-hub-signature']).toBe(
      `sha256=${createHmac('sha256', 'first-secret').update('{"v":1}').digest('hex')}`,
    );
  });

  it('verifies an unsubscription (no lease) and then removes the subscription', async () => {
    const { hub, sub, pub } = await setup();
    const topic = pub.set('/feed', '{}');
    await subscribe(hub, sub, topic);
    await eventually(() => activeSub(hub, topic), 'the subscription');
    const res = await hub.post({
      'hub.mode': 'unsubscribe',
      'hub.callback': `${sub.base}/cb`,
      'hub.topic': topic,
    });
    expect(res.status).toBe(202);
    const get = await sub.next(isGet('unsubscribe'));
    expect(get.url.searchParams.has('hub.lease_seconds')).toBe(false);
    expect(get.url.searchParams.get('hub.challenge')).toBeTruthy();
    await eventually(() => !activeSub(hub, topic), 'the subscription to go');
  });

  it('sends a denial notice (hub.mode=denied, hub.topic, hub.reason) for a topic it does not serve', async () => {
    const { hub, sub } = await setup({ HUB_TOPIC_ORIGINS: 'https://ticker.example' });
    await subscribe(hub, sub, 'https://elsewhere.example/feed');
    const denied = await sub.next(isGet('denied'));
    expect(denied.url.searchParams.get('hub.topic')).toBe('https://elsewhere.example/feed');
    expect(denied.url.searchParams.get('hub.reason')).toMatch(/does not serve/);
    expect(denied.url.searchParams.has('hub.challenge')).toBe(false);
    expect(sub.seen.filter(isGet('subscribe'))).toEqual([]);
    // The served origin is verified as usual.
    await subscribe(hub, sub, 'https://ticker.example/quotes/ACME');
    await sub.next(isGet('subscribe', 'https://ticker.example/quotes/ACME'));
    // And a publish of a topic it does not serve is refused outright.
    const pub = await hub.post({ 'hub.mode': 'publish', 'hub.url': 'https://elsewhere.example/feed' });
    expect(pub.status).toBe(400);
    expect(await pub.text()).toMatch(/does not serve/);
  });

  it('keeps one subscription when two identical requests arrive at once', async () => {
    const { hub, sub, pub } = await setup();
    const topic = pub.set('/feed', '{}');
    const form = { 'hub.mode': 'subscribe', 'hub.callback': `${sub.base}/cb`, 'hub.topic': topic };
    const [a, b] = await Promise.all([hub.post(form), hub.post(form)]);
    expect([a.status, b.status]).toEqual([202, 202]);
    await eventually(
      () => activeSub(hub, topic) && hub.ctx.db.select().from(intents).all().length === 0,
      'verification',
    );
    expect(hub.ctx.db.select().from(subscriptions).all()).toHaveLength(1);
  });
});

describe('WebSub hub: publishing and distribution (§6, §7, §8)', () => {
  it('distributes the full content with the exact Content-Type, Link rel=hub and one rel=self', async () => {
    const { hub, sub, pub } = await setup();
    const body = '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>é</title></feed>';
    const topic = pub.set('/atom', body, 'application/atom+xml; charset=utf-8');
    await subscribe(hub, sub, topic);
    await eventually(() => activeSub(hub, topic), 'the subscription');
    const res = await hub.post({ 'hub.mode': 'publish', 'hub.url': topic });
    expect(res.status).toBe(202);
    const post = await sub.next(isPost(topic));
    expect(post.body).toBe(body);
    expect(post.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    const link = String(post.headers.link);
    expect(link).toContain(`<${hub.url}/>; rel="hub"`);
    expect(link.match(/rel="self"/g)).toHaveLength(1);
    expect(post.headers['x-hub-signature']).toBeUndefined();
  });

  it('accepts hub.topic and repeated hub.url on publish, fetching each topic once', async () => {
    const { hub, sub, pub } = await setup();
    const a = pub.set('/a', '"a"');
    const b = pub.set('/b', '"b"');
    const c = pub.set('/c', '"c"');
    for (const t of [a, b, c]) await subscribe(hub, sub, t);
    await eventually(
      () => activeSub(hub, a) && activeSub(hub, b) && activeSub(hub, c),
      'three subscriptions',
    );
    await hub.post({ 'hub.mode': 'publish', 'hub.url': [a, b] });
    await hub.post({ 'hub.mode': 'publish', 'hub.topic': c });
    expect((await sub.next(isPost(a))).body).toBe('"a"');
    expect((await sub.next(isPost(b))).body).toBe('"b"');
    expect((await sub.next(isPost(c))).body).toBe('"c"');
    expect(pub.fetches()).toBe(3);
  });

  it('signs with X-Hub-Signature per subscriber secret: sha256 by default, sha1/sha384/sha512 on request', async () => {
    const { hub, sub, pub } = await setup();
    const body = '{"price":101.5}';
    const topic = pub.set('/q', body);
    const algos = ['sha256', 'sha1', 'sha384', 'sha512'] as const;
    await subscribe(hub, sub, topic, { 'hub.secret': 'secret-default' }, '/default');
    for (const a of algos.slice(1))
      await subscribe(
        hub,
        sub,
        topic,
        { 'hub.secret': `secret-${a}`, 'hub.signature_algorithm': a },
        `/${a}`,
      );
    await subscribe(hub, sub, topic, {}, '/unsigned');
    await eventually(() => hub.ctx.db.select().from(subscriptions).all().length === 5, 'five subscriptions');
    await hub.post({ 'hub.mode': 'publish', 'hub.url': topic });
    const at = (path: string) => sub.next((r) => r.method === 'POST' && r.url.pathname === path);
    const hex = (a: string, s: string) => createHmac(a, s).update(body).digest('hex');
    expect((await at('/default')).headers['x-hub-signature']).toBe(
      `sha256=${hex('sha256', 'secret-default')}`,
    );
    for (const a of algos.slice(1))
      expect((await at(`/${a}`)).headers['x-hub-signature']).toBe(`${a}=${hex(a, `secret-${a}`)}`);
    expect((await at('/unsigned')).headers['x-hub-signature']).toBeUndefined();
  });

  it('retries anything but 2xx and 410, with the first retry within seconds', async () => {
    const { hub, sub, pub } = await setup();
    let posts = 0;
    sub.setAnswer((r) => (r.method === 'POST' && ++posts === 1 ? { status: 503 } : undefined));
    const topic = pub.set('/feed', '{"n":1}');
    await subscribe(hub, sub, topic);
    await eventually(() => activeSub(hub, topic), 'the subscription');
    await hub.post({ 'hub.mode': 'publish', 'hub.url': topic });
    await eventually(() => posts >= 2, 'the retry');
    const [m] = await hub.ctx.outbox.listMessages({});
    await eventually(
      async () => (await hub.ctx.outbox.getMessage(m!.id))?.status === 'delivered',
      'delivered',
    );
    expect(sub.seen.filter(isPost(topic)).map((r) => r.body)).toEqual(['{"n":1}', '{"n":1}']);
  });

  it('deletes the subscription when the callback answers 410 Gone', async () => {
    const { hub, sub, pub } = await setup();
    sub.setAnswer((r) => (r.method === 'POST' ? { status: 410 } : undefined));
    const topic = pub.set('/feed', '{}');
    await subscribe(hub, sub, topic);
    await eventually(() => activeSub(hub, topic), 'the subscription');
    await hub.post({ 'hub.mode': 'publish', 'hub.url': topic });
    await sub.next(isPost(topic));
    await eventually(() => !activeSub(hub, topic), 'the subscription to be deleted');
  });

  it('never delivers to an expired subscription, and sweeps it', async () => {
    const { hub, sub, pub } = await setup({ HUB_LEASE_MIN_SECONDS: '1' });
    const topic = pub.set('/feed', '{}');
    await subscribe(hub, sub, topic, { 'hub.lease_seconds': '1' }, '/short');
    await subscribe(hub, sub, topic, { 'hub.lease_seconds': '3600' }, '/long');
    await eventually(() => hub.ctx.db.select().from(subscriptions).all().length === 2, 'two subscriptions');
    // The sweep job removes the short lease once it ends.
    await eventually(() => hub.ctx.db.select().from(subscriptions).all().length === 1, 'the sweep', 5000);
    await hub.post({ 'hub.mode': 'publish', 'hub.url': topic });
    await sub.next((r) => r.method === 'POST' && r.url.pathname === '/long');
    const messages = await hub.ctx.outbox.listMessages({});
    expect(messages.map((m) => m.url)).toEqual([`${sub.base}/long`]);
  });

  it('does not fetch a topic nobody subscribes to', async () => {
    const { hub, pub } = await setup();
    const topic = pub.set('/lonely', '{}');
    expect((await hub.post({ 'hub.mode': 'publish', 'hub.url': topic })).status).toBe(202);
    const t = await eventually(
      () =>
        hub.ctx.db
          .select()
          .from(topics)
          .all()
          .find((x) => x.lastFanOut === 0),
      'the publish to be handled',
    );
    expect(t.url).toBe(topic);
    expect(pub.fetches()).toBe(0);
  });

  it('distributes nothing when the topic fetch fails, and says why', async () => {
    const { hub, sub, pub } = await setup();
    const missing = pub.set('/missing', 'gone', 'text/plain', 404);
    const binary = pub.set('/binary', Buffer.from([0xff, 0xfe, 0x00]), 'application/octet-stream');
    for (const t of [missing, binary]) await subscribe(hub, sub, t);
    await eventually(() => activeSub(hub, missing) && activeSub(hub, binary), 'two subscriptions');
    await hub.post({ 'hub.mode': 'publish', 'hub.url': [missing, binary] });
    const errors = await eventually(() => {
      const rows = hub.ctx.db
        .select()
        .from(topics)
        .all()
        .filter((x) => x.lastError);
      return rows.length === 2 ? Object.fromEntries(rows.map((r) => [r.url, r.lastError])) : null;
    }, 'both fetches to fail');
    expect(errors[missing]).toMatch(/answered 404/);
    expect(errors[binary]).toMatch(/not UTF-8 text/);
    expect(await hub.ctx.outbox.listMessages({})).toEqual([]);
  });

  it('refuses a topic fetch the SSRF guard blocks, and distributes nothing', async () => {
    const { hub, sub } = await setup();
    const topic = 'http://10.1.2.3/feed';
    await subscribe(hub, sub, topic);
    await eventually(() => activeSub(hub, topic), 'the subscription');
    await hub.post({ 'hub.mode': 'publish', 'hub.url': topic });
    const t = await eventually(
      () =>
        hub.ctx.db
          .select()
          .from(topics)
          .all()
          .find((x) => x.lastError),
      'the fetch to be refused',
    );
    expect(t.lastError).toMatch(/private|blocked|not allowed/i);
    expect(await hub.ctx.outbox.listMessages({})).toEqual([]);
  });
});
