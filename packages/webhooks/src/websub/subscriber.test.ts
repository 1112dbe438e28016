import { Hono } from 'hono';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { signHub } from '../signing/hub.ts';
import { createWebSubSubscriber, type WebSubContent, type WebSubSubscriberOptions } from './subscriber.ts';

const HUB = 'https://hub.example/';
const TOPIC = 'https://pub.example/quotes/ACME';
const CALLBACK = 'https://sub.example/websub?app=1';

/** A hub stand-in: keeps each form it was sent and answers with `status`. */
function fakeHub(status = 202, reason = '') {
  const forms: URLSearchParams[] = [];
  const fetch = async (_url: string | URL | Request, init?: RequestInit) => {
    forms.push(new URLSearchParams(String(init?.body)));
    return new Response(reason, { status });
  };
  return { forms, fetch };
}

function setup(extra: Partial<WebSubSubscriberOptions> = {}, hub = fakeHub()) {
  const received: WebSubContent[] = [];
  const sub = createWebSubSubscriber({
    callbackUrl: CALLBACK,
    fetch: hub.fetch,
    onContent: (c) => {
      received.push(c);
    },
    ...extra,
  });
  return { sub, hub, received };
}

function verify(callback: string, params: Record<string, string>) {
  const u = new URL(callback);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

const deliver = (callback: string, body: string, headers: Record<string, string> = {}) =>
  new Request(callback, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      link: `<${HUB}>; rel="hub", <${TOPIC}>; rel="self"`,
      ...headers,
    },
  });

async function activeSubscription(
  secret?: string,
  lease = 600,
  extra: Partial<WebSubSubscriberOptions> = {},
) {
  const s = setup(extra);
  const created = await s.sub.subscribe({ topic: TOPIC, hub: HUB, secret, leaseSeconds: lease });
  const res = await s.sub.handle(
    new Request(
      verify(created.callback, {
        'hub.mode': 'subscribe',
        'hub.topic': TOPIC,
        'hub.challenge': 'c-1',
        'hub.lease_seconds': String(lease),
      }),
    ),
  );
  expect(res.status).toBe(200);
  return { ...s, created };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('subscribe', () => {
  it('POSTs the form the spec names, keeping the callback query string, and resolves on 202', async () => {
    const { sub, hub } = setup();
    const created = await sub.subscribe({ topic: TOPIC, hub: HUB, secret: 's3cret', leaseSeconds: 60 });
    expect(Object.fromEntries(hub.forms[0]!)).toEqual({
      'hub.callback': `https://sub.example/websub?app=1&subscription=${created.id}`,
      'hub.mode': 'subscribe',
      'hub.topic': TOPIC,
      'hub.lease_seconds': '60',
      'hub.secret': 's3cret',
    });
    expect(created).toMatchObject({ state: 'requested', pending: 'subscribe', signed: true });
    expect(sub.stats().requests).toBe(1);
  });

  it('fails with the hub’s plain-text reason when it does not answer 202', async () => {
    const { sub } = setup({}, fakeHub(400, 'hub.topic is not a URL'));
    await expect(sub.subscribe({ topic: TOPIC, hub: HUB })).rejects.toMatchObject({
      code: 'hub_refused',
      status: 400,
      message: 'hub answered 400 to subscribe: hub.topic is not a URL',
    });
    expect(sub.list()).toEqual([]);
  });

  it('refuses a secret of 200 bytes or more before calling the hub', async () => {
    const { sub, hub } = setup();
    await expect(sub.subscribe({ topic: TOPIC, hub: HUB, secret: 'x'.repeat(200) })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    expect(hub.forms).toEqual([]);
  });
});

describe('verification of intent', () => {
  it('echoes the challenge only for the topic and mode it is pending on, and records the lease', async () => {
    const { sub } = setup();
    const created = await sub.subscribe({ topic: TOPIC, hub: HUB });
    const ask = (p: Record<string, string>) => sub.handle(new Request(verify(created.callback, p)));

    const other = await ask({ 'hub.mode': 'subscribe', 'hub.topic': `${TOPIC}X`, 'hub.challenge': 'a' });
    expect(other.status).toBe(404);
    const wrongMode = await ask({ 'hub.mode': 'unsubscribe', 'hub.topic': TOPIC, 'hub.challenge': 'a' });
    expect(wrongMode.status).toBe(404);
    const unknown = await sub.handle(
      new Request(verify(CALLBACK, { 'hub.mode': 'subscribe', 'hub.topic': TOPIC, 'hub.challenge': 'a' })),
    );
    expect(unknown.status).toBe(404);

    const ok = await ask({
      'hub.mode': 'subscribe',
      'hub.topic': TOPIC,
      'hub.challenge': 'ch4ll3nge',
      'hub.lease_seconds': '120',
    });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('ch4ll3nge');
    expect(sub.get(created.id)).toMatchObject({ state: 'active', pending: null, leaseSeconds: 120 });
    expect(sub.stats()).toMatchObject({ verificationsAnswered: 1, verificationsRefused: 3 });
    // Once verified, it is no longer pending: a replayed verification is refused.
    expect(
      (await ask({ 'hub.mode': 'subscribe', 'hub.topic': TOPIC, 'hub.challenge': 'again' })).status,
    ).toBe(404);
    sub.stop();
  });

  it('a denial ends the subscription and rejects whoever waits for it', async () => {
    const { sub } = setup();
    const created = await sub.subscribe({ topic: TOPIC, hub: HUB });
    const waiting = sub.until(created.id, ['active']);
    const res = await sub.handle(
      new Request(
        verify(created.callback, { 'hub.mode': 'denied', 'hub.topic': TOPIC, 'hub.reason': 'not allowed' }),
      ),
    );
    expect(res.status).toBe(200);
    await expect(waiting).rejects.toMatchObject({ code: 'denied' });
    expect(sub.get(created.id)).toMatchObject({ state: 'denied', deniedReason: 'not allowed' });
  });
});

describe('content distribution', () => {
  it.each(['sha1', 'sha256', 'sha384', 'sha512'] as const)(
    'accepts content signed with %s',
    async (algorithm) => {
      const { sub, received, created } = await activeSubscription('s3cret');
      const body = '{"symbol":"ACME","price":101.5}';
      const headers = signHub({ algorithm, body, secrets: 's3cret' });
      const res = await sub.handle(deliver(created.callback, body, headers));
      expect(res.status).toBe(204);
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({
        topic: TOPIC,
        contentType: 'application/json',
        signature: algorithm,
      });
      expect(received[0]!.text()).toBe(body);
      sub.stop();
    },
  );

  it('acknowledges but ignores content whose signature fails, then takes the next good one', async () => {
    const { sub, received, created } = await activeSubscription('s3cret');
    const forged = await sub.handle(
      deliver(
        created.callback,
        '{"price":1}',
        signHub({ algorithm: 'sha256', body: '{"price":1}', secrets: 'wrong' }),
      ),
    );
    expect(forged.status).toBe(202);
    const good = await sub.handle(
      deliver(
        created.callback,
        '{"price":2}',
        signHub({ algorithm: 'sha256', body: '{"price":2}', secrets: 's3cret' }),
      ),
    );
    expect(good.status).toBe(204);
    expect(received.map((c) => c.text())).toEqual(['{"price":2}']);
    expect(sub.stats()).toMatchObject({ deliveries: 1, deliveriesIgnored: 1 });
    sub.stop();
  });

  it('answers 401 to unsigned content when a secret was used, 410 to an unknown subscription, 413 when too big', async () => {
    const { sub, received, created } = await activeSubscription('s3cret');
    expect((await sub.handle(deliver(created.callback, '{}'))).status).toBe(401);
    expect((await sub.handle(deliver(CALLBACK, '{}'))).status).toBe(410);
    const small = await activeSubscription(undefined, 600, { maxBodyBytes: 4 });
    expect((await small.sub.handle(deliver(small.created.callback, '0123456789'))).status).toBe(413);
    expect((await small.sub.handle(deliver(small.created.callback, '0123'))).status).toBe(204);
    small.sub.stop();
    expect(received).toEqual([]);
    expect(sub.stats().deliveriesRefused).toBe(2);
    sub.stop();
  });

  it('takes unsigned content on a subscription without a secret', async () => {
    const { sub, received, created } = await activeSubscription();
    expect((await sub.handle(deliver(created.callback, '{"a":1}'))).status).toBe(204);
    expect(received[0]).toMatchObject({ signature: null });
    sub.stop();
  });
});

describe('leases', () => {
  it('renews before the lease ends with the same callback, and counts the renewal once verified', async () => {
    vi.useFakeTimers();
    const { sub, hub, created } = await activeSubscription('s3cret', 100);
    expect(hub.forms).toHaveLength(1);
    // A fifth of 100 s before the end: at 80 s.
    await vi.advanceTimersByTimeAsync(79_000);
    expect(hub.forms).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(hub.forms).toHaveLength(2);
    expect(hub.forms[1]!.get('hub.callback')).toBe(created.callback);
    expect(hub.forms[1]!.get('hub.secret')).toBe('s3cret');
    const res = await sub.handle(
      new Request(
        verify(created.callback, {
          'hub.mode': 'subscribe',
          'hub.topic': TOPIC,
          'hub.challenge': 'r',
          'hub.lease_seconds': '100',
        }),
      ),
    );
    expect(res.status).toBe(200);
    expect(sub.get(created.id)).toMatchObject({ state: 'active', renewals: 1 });
    sub.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('marks the subscription expired when the lease ends without a renewal', async () => {
    vi.useFakeTimers();
    const { sub, created } = await activeSubscription(undefined, 10);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sub.get(created.id)?.state).toBe('expired');
    expect((await sub.handle(deliver(created.callback, '{}'))).status).toBe(410);
  });
});

describe('renewal failures', () => {
  it('retries a refused renewal at half the time left, while the lease lasts', async () => {
    vi.useFakeTimers();
    let status = 202;
    const forms: URLSearchParams[] = [];
    const hub = {
      forms,
      fetch: async (_u: string | URL | Request, init?: RequestInit) => {
        forms.push(new URLSearchParams(String(init?.body)));
        return new Response('busy', { status });
      },
    };
    const events: string[] = [];
    const { sub, created } = await (async () => {
      const s = setup({ onEvent: (e) => events.push(e.type) }, hub);
      const c = await s.sub.subscribe({ topic: TOPIC, hub: HUB, leaseSeconds: 100 });
      await s.sub.handle(
        new Request(
          verify(c.callback, {
            'hub.mode': 'subscribe',
            'hub.topic': TOPIC,
            'hub.challenge': 'c',
            'hub.lease_seconds': '100',
          }),
        ),
      );
      return { ...s, created: c };
    })();
    status = 503;
    await vi.advanceTimersByTimeAsync(80_000);
    expect(forms).toHaveLength(2);
    expect(events).toContain('renew-failed');
    // 20 s were left: the next try comes 10 s later, and this time the hub takes it.
    status = 202;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(forms).toHaveLength(3);
    expect(sub.get(created.id)).toMatchObject({ state: 'active', pending: 'subscribe' });
    sub.stop();
  });
});

describe('as Hono middleware', () => {
  it('answers verification and content on a route of a Hono app', async () => {
    const { sub, received } = setup({ callbackUrl: 'http://app.test/websub' });
    const app = new Hono().all('/websub', sub.middleware());
    const created = await sub.subscribe({ topic: TOPIC, hub: HUB });
    const res = await app.request(
      verify(created.callback, {
        'hub.mode': 'subscribe',
        'hub.topic': TOPIC,
        'hub.challenge': 'via-hono',
        'hub.lease_seconds': '60',
      }),
    );
    expect(await res.text()).toBe('via-hono');
    expect((await app.request(deliver(created.callback, '{"p":1}'))).status).toBe(204);
    expect(received).toHaveLength(1);
    sub.stop();
  });
});

describe('unsubscribe', () => {
  it('POSTs hub.mode=unsubscribe and ends only when the hub verifies it', async () => {
    const { sub, hub, created } = await activeSubscription();
    await sub.unsubscribe(created.id);
    expect(Object.fromEntries(hub.forms[1]!)).toEqual({
      'hub.callback': created.callback,
      'hub.mode': 'unsubscribe',
      'hub.topic': TOPIC,
    });
    expect(sub.get(created.id)?.state).toBe('active');
    const res = await sub.handle(
      new Request(
        verify(created.callback, { 'hub.mode': 'unsubscribe', 'hub.topic': TOPIC, 'hub.challenge': 'u' }),
      ),
    );
    expect(await res.text()).toBe('u');
    expect(sub.get(created.id)?.state).toBe('unsubscribed');
    expect((await sub.handle(deliver(created.callback, '{}'))).status).toBe(410);
  });
});
