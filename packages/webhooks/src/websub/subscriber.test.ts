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

describe('duties: the three decisions, replaceable', () => {
  /** A hub stand-in that keeps each POST's form and headers. */
  function recordingHub() {
    const posts: { form: URLSearchParams; headers: Headers }[] = [];
    const fetch = async (_url: string | URL | Request, init?: RequestInit) => {
      posts.push({ form: new URLSearchParams(String(init?.body)), headers: new Headers(init?.headers) });
      return new Response('', { status: 202 });
    };
    return { posts, forms: [], fetch };
  }
  const subscribeVerification = (callback: string, challenge: string, lease = '100') =>
    new Request(
      verify(callback, {
        'hub.mode': 'subscribe',
        'hub.topic': TOPIC,
        'hub.challenge': challenge,
        'hub.lease_seconds': lease,
      }),
    );
  /** A subscription verified with a `lease`-second lease, its hub recording every POST. */
  async function leased(extra: Partial<WebSubSubscriberOptions>, lease: number) {
    const hub = recordingHub();
    const { sub } = setup(extra, hub);
    const created = await sub.subscribe({ topic: TOPIC, hub: HUB, leaseSeconds: lease });
    await sub.handle(subscribeVerification(created.callback, 'c', String(lease)));
    return { sub, hub, created };
  }

  it('answerVerification: given the query, what is pending and now; its answer is sent and obeyed', async () => {
    const calls: { query: Record<string, string>; pending: unknown; now: number }[] = [];
    let answer = { status: 404, body: 'not today' } as { status: number; body: string; lease?: never };
    const { sub } = setup({
      now: () => 1_000_000,
      duties: {
        answerVerification: (query, pending, now) => {
          calls.push({ query: Object.fromEntries(query), pending, now });
          return answer;
        },
      },
    });
    const created = await sub.subscribe({ topic: TOPIC, hub: HUB });
    const refused = await sub.handle(subscribeVerification(created.callback, 'c-1'));
    expect([refused.status, await refused.text()]).toEqual([404, 'not today']);
    expect(calls[0]).toEqual({
      query: {
        app: '1',
        subscription: created.id,
        'hub.mode': 'subscribe',
        'hub.topic': TOPIC,
        'hub.challenge': 'c-1',
        'hub.lease_seconds': '100',
      },
      pending: [{ mode: 'subscribe', topic: TOPIC }],
      now: 1_000_000,
    });
    expect(sub.get(created.id)).toMatchObject({ state: 'requested', pending: 'subscribe' });
    // Echoing the challenge confirms; the lease end it keeps is the one recorded.
    answer = { status: 200, body: 'c-2', lease: { topic: TOPIC, expiresAt: 1_050_000 } } as never;
    const ok = await sub.handle(subscribeVerification(created.callback, 'c-2'));
    expect([ok.status, await ok.text()]).toEqual([200, 'c-2']);
    expect(sub.get(created.id)).toMatchObject({ state: 'active', leaseSeconds: 100, expiresAt: 1_050_000 });
    expect(sub.stats()).toMatchObject({ verificationsAnswered: 1, verificationsRefused: 1 });
    sub.stop();
  });

  it('answerVerification confirming what nobody asked for: answered as it says, an event, no subscription', async () => {
    const events: { type: string; detail?: string }[] = [];
    const { sub } = setup({
      onEvent: (e) => events.push(e),
      duties: { answerVerification: (q) => ({ status: 200, body: q.get('hub.challenge') ?? '' }) },
    });
    const forged = await sub.handle(subscribeVerification(`${CALLBACK}&subscription=sub_x`, 'c-9'));
    expect([forged.status, await forged.text()]).toEqual([200, 'c-9']);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'verification-unrequested', detail: `subscribe ${TOPIC}` }),
    );
    expect(sub.list()).toEqual([]);
    // Without the duty, the same request is refused (404).
    expect(
      (await setup().sub.handle(subscribeVerification(`${CALLBACK}&subscription=sub_x`, 'c-9'))).status,
    ).toBe(404);
  });

  it('verifySignature: given the raw body, X-Hub-Signature and the secret; only true accepts', async () => {
    const calls: [string, string | undefined, string][] = [];
    let verdict = true;
    const { sub, received, created } = await activeSubscription('s3cret', 600, {
      duties: {
        verifySignature: (body, header, secret) => {
          calls.push([Buffer.from(body).toString(), header, secret]);
          return verdict;
        },
      },
    });
    // Not a real HMAC: the duty, not verifyHub, decides.
    const taken = await sub.handle(deliver(created.callback, '{"p":1}', { 'x-hub-signature': 'sha512=abc' }));
    expect(taken.status).toBe(204);
    expect(received[0]).toMatchObject({ signature: 'sha512' });
    expect(calls).toEqual([['{"p":1}', 'sha512=abc', 's3cret']]);
    verdict = false;
    const good = signHub({ algorithm: 'sha256', body: '{"p":2}', secrets: 's3cret' });
    expect((await sub.handle(deliver(created.callback, '{"p":2}', good))).status).toBe(202);
    expect(received).toHaveLength(1);
    expect(sub.stats()).toMatchObject({ deliveries: 1, deliveriesIgnored: 1 });
    sub.stop();
  });

  it("badSignature 'refuse': a signature that does not verify gets 403 (the default acknowledges: 202)", async () => {
    const forged = signHub({ algorithm: 'sha256', body: '{"p":1}', secrets: 'wrong' });
    const refusing = await activeSubscription('s3cret', 600, { badSignature: 'refuse' });
    const res = await refusing.sub.handle(deliver(refusing.created.callback, '{"p":1}', forged));
    expect([res.status, await res.text()]).toEqual([403, 'X-Hub-Signature does not verify']);
    expect(refusing.sub.stats()).toMatchObject({ deliveriesRefused: 1, deliveriesIgnored: 0 });
    const spec = await activeSubscription('s3cret');
    expect((await spec.sub.handle(deliver(spec.created.callback, '{"p":1}', forged))).status).toBe(202);
    expect([...refusing.received, ...spec.received]).toEqual([]);
    refusing.sub.stop();
    spec.sub.stop();
  });

  it('a duty that throws answers 500 with what onDutyError says (default "<duty> failed")', async () => {
    const boom = () => {
      throw new Error('TODO');
    };
    const said: string[] = [];
    const { sub, created } = await activeSubscription('s3cret', 600, {
      duties: { verifySignature: boom },
      onDutyError: (duty, err) => {
        said.push(duty);
        return `exercise: ${duty} threw: ${(err as Error).message}`;
      },
    });
    const res = await sub.handle(deliver(created.callback, '{}', { 'x-hub-signature': 'sha256=00' }));
    expect([res.status, await res.text()]).toEqual([500, 'exercise: verifySignature threw: TODO']);
    expect(said).toEqual(['verifySignature']);
    sub.stop();
    const plain = setup({ duties: { answerVerification: boom } });
    const created2 = await plain.sub.subscribe({ topic: TOPIC, hub: HUB });
    const failed = await plain.sub.handle(subscribeVerification(created2.callback, 'c'));
    expect([failed.status, await failed.text()]).toEqual([500, 'answerVerification failed']);
    expect(plain.sub.get(created2.id)?.state).toBe('requested');
  });

  it('renewAt: given verifiedAt and the lease; the renewal goes out then, with renewalHeaders', async () => {
    vi.useFakeTimers();
    const calls: [number, number][] = [];
    const verifiedAt = Date.now();
    const { sub, hub, created } = await leased(
      {
        renewalHeaders: { 'x-renewal': 'yes' },
        duties: {
          renewAt: async (verifiedAt, lease) => {
            calls.push([verifiedAt, lease]);
            return verifiedAt + lease * 500;
          },
        },
      },
      100,
    );
    expect(calls).toEqual([[verifiedAt, 100]]);
    await vi.advanceTimersByTimeAsync(49_999);
    expect(hub.posts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(hub.posts).toHaveLength(2);
    expect(hub.posts[1]!.form.get('hub.callback')).toBe(created.callback);
    expect(hub.posts[1]!.headers.get('x-renewal')).toBe('yes');
    expect(hub.posts[0]!.headers.get('x-renewal')).toBeNull();
    sub.stop();
  });

  it('renewAt at the end of the lease: the subscription expires first, then is renewed', async () => {
    vi.useFakeTimers();
    const events: string[] = [];
    const { sub, hub, created } = await leased(
      {
        onEvent: (e) => events.push(`${e.type}${e.detail ? `: ${e.detail}` : ''}`),
        duties: { renewAt: (verifiedAt, lease) => verifiedAt + lease * 1000 },
      },
      10,
    );
    await vi.advanceTimersByTimeAsync(10_000);
    expect(hub.posts).toHaveLength(2);
    expect(events.slice(-2)).toEqual(['expired', 'subscribe-requested: renewal after the lease ended']);
    await sub.handle(subscribeVerification(created.callback, 'c2', '10'));
    expect(sub.get(created.id)?.state).toBe('active');
    sub.stop();
  });

  it('renewAt that throws or answers no time: renew-failed with the onDutyError text, and the lease runs out', async () => {
    vi.useFakeTimers();
    for (const renewAt of [
      () => Number.NaN,
      () => {
        throw new Error('nope');
      },
    ]) {
      const events: { type: string; detail?: string }[] = [];
      const { sub, hub, created } = await leased(
        {
          onEvent: (e) => events.push(e),
          duties: { renewAt },
          onDutyError: (duty, err) => `${duty}: ${(err as Error).message}`,
        },
        10,
      );
      await vi.advanceTimersByTimeAsync(10_000);
      expect(events.find((e) => e.type === 'renew-failed')?.detail).toMatch(
        /^renewAt: (nope|renewAt returned NaN)/,
      );
      expect(sub.get(created.id)?.state).toBe('expired');
      expect(hub.posts).toHaveLength(1);
      sub.stop();
    }
  });
});
