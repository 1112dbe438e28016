import Database from 'better-sqlite3';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { signers } from '../signing/signers.ts';
import { signStandard } from '../signing/standard.ts';
import { signStripe } from '../signing/stripe.ts';
import type { Inbox } from './inbox.ts';
import { createSqliteInbox } from './sqlite-inbox.ts';
import { type VerifyWebhookOptions, verifyWebhook, type WebhookEnv } from './verify-webhook.ts';

const T = 1_700_000_000;
const NOW = () => T * 1000;
const SECRET = 'whsec_' + Buffer.from('receiver test secret, 32 bytes!!').toString('base64');

function createTestApp(options: Partial<VerifyWebhookOptions> = {}) {
  const calls: Array<{ id: string; payload: unknown; text: string }> = [];
  const app = new Hono<WebhookEnv>();
  app.post(
    '/hook',
    verifyWebhook({ scheme: 'standard', secrets: SECRET, now: NOW, ...options } as VerifyWebhookOptions),
    async (c) => {
      const webhook = c.get('webhook');
      calls.push({
        id: webhook.id,
        payload: webhook.payload,
        text: new TextDecoder().decode(webhook.rawBody),
      });
      return c.json({ received: webhook.id });
    },
  );
  return { app, calls };
}

function post(app: Hono<WebhookEnv>, body: BodyInit, headers: Record<string, string>) {
  return app.request('/hook', {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

function standardHeaders(body: string, id = 'msg_1', timestampSec = T) {
  return signStandard({ id, timestampSec, body, secrets: SECRET });
}

async function expectProblem(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  const problem = (await res.json()) as Record<string, unknown>;
  expect(problem).toMatchObject({ status, code, type: `urn:hooklab:problem:${code}` });
  expect(typeof problem['title']).toBe('string');
  expect(typeof problem['detail']).toBe('string');
}

describe('verifyWebhook (standard)', () => {
  const body = JSON.stringify({
    type: 'order.paid',
    timestamp: '2023-11-14T22:13:20Z',
    data: { id: 'ord_1' },
  });

  it('hands a verified message to the handler', async () => {
    const { app, calls } = createTestApp();
    const res = await post(app, body, standardHeaders(body));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: 'msg_1' });
    expect(calls).toEqual([{ id: 'msg_1', payload: JSON.parse(body), text: body }]);
  });

  it('exposes headers and keeps c.req.json() usable after the raw read', async () => {
    const app = new Hono<WebhookEnv>();
    app.post('/hook', verifyWebhook({ scheme: 'standard', secrets: SECRET, now: NOW }), async (c) => {
      const webhook = c.get('webhook');
      return c.json({
        json: await c.req.json(),
        id: webhook.headers['webhook-id'],
        ts: webhook.timestampSec,
      });
    });
    const res = await post(app, body, standardHeaders(body));
    expect(await res.json()).toEqual({ json: JSON.parse(body), id: 'msg_1', ts: T });
  });

  it('refuses a tampered body with 401 problem+json and never calls the handler', async () => {
    const { app, calls } = createTestApp();
    const res = await post(app, body.replace('ord_1', 'ord_2'), standardHeaders(body));
    await expectProblem(res, 401, 'no_matching_signature');
    expect(calls).toHaveLength(0);
  });

  it('refuses stale and future messages', async () => {
    const { app, calls } = createTestApp();
    await expectProblem(
      await post(app, body, standardHeaders(body, 'msg_1', T - 301)),
      401,
      'timestamp_too_old',
    );
    await expectProblem(
      await post(app, body, standardHeaders(body, 'msg_1', T + 301)),
      401,
      'timestamp_too_new',
    );
    expect(calls).toHaveLength(0);
  });

  it('honours toleranceSec', async () => {
    const { app } = createTestApp({ toleranceSec: 10 });
    await expectProblem(
      await post(app, body, standardHeaders(body, 'msg_1', T - 11)),
      401,
      'timestamp_too_old',
    );
  });

  it('refuses missing and garbage headers', async () => {
    const { app, calls } = createTestApp();
    await expectProblem(await post(app, body, {}), 401, 'missing_header');
    const garbage = { ...standardHeaders(body), 'webhook-signature': '\u00ff\u00fe v1 ,,, v1,%%%' };
    await expectProblem(await post(app, body, garbage), 401, 'no_matching_signature');
    await expectProblem(
      await post(app, body, { ...standardHeaders(body), 'webhook-timestamp': 'NaN' }),
      401,
      'malformed_header',
    );
    expect(calls).toHaveLength(0);
  });

  it('answers a replay 200 {duplicate:true} without calling the handler again', async () => {
    const { app, calls } = createTestApp();
    const headers = standardHeaders(body);
    expect((await post(app, body, headers)).status).toBe(200);
    const replay = await post(app, body, headers);
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ duplicate: true });
    // A retry re-signed with a fresh timestamp keeps its webhook-id, so it is a duplicate too.
    const retry = await post(app, body, standardHeaders(body, 'msg_1', T + 5));
    expect(await retry.json()).toEqual({ duplicate: true });
    expect(calls).toHaveLength(1);
  });

  it('records only after a 2xx, so a failed handler runs again on retry', async () => {
    let attempts = 0;
    const app = new Hono<WebhookEnv>();
    app.onError((_err, c) => c.json({ error: 'internal' }, 500));
    app.post('/hook', verifyWebhook({ scheme: 'standard', secrets: SECRET, now: NOW }), (c) => {
      attempts += 1;
      if (attempts === 1) return c.json({ error: 'db down' }, 503);
      if (attempts === 2) throw new Error('boom');
      return c.json({ ok: true });
    });
    const headers = standardHeaders(body);
    expect((await post(app, body, headers)).status).toBe(503);
    expect((await post(app, body, headers)).status).toBe(500);
    expect((await post(app, body, headers)).status).toBe(200);
    expect(await (await post(app, body, headers)).json()).toEqual({ duplicate: true });
    expect(attempts).toBe(3);
  });

  it('runs concurrent duplicates once: the second copy gets 409 while the first is in flight', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let handled = 0;
    let entered!: () => void;
    const inHandler = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const slowInbox: Inbox & { ids: Set<string> } = {
      ids: new Set(),
      seen: async (id) => slowInbox.ids.has(id),
      record: async (id) => {
        slowInbox.ids.add(id);
      },
    };
    const app = new Hono<WebhookEnv>();
    app.post(
      '/hook',
      verifyWebhook({ scheme: 'standard', secrets: SECRET, now: NOW, inbox: slowInbox }),
      async (c) => {
        handled += 1;
        entered();
        await gate;
        return c.json({ ok: true });
      },
    );
    const headers = standardHeaders(body);
    const first = post(app, body, headers);
    await inHandler; // the first copy is being handled, not merely sent
    const second = await post(app, body, headers);
    await expectProblem(second, 409, 'duplicate_in_flight');
    expect(second.headers.get('retry-after')).toBe('1');
    release();
    expect((await first).status).toBe(200);
    expect(await (await post(app, body, headers)).json()).toEqual({ duplicate: true });
    expect(handled).toBe(1);
  });

  it('with inbox: null, replays reach the handler (no dedupe)', async () => {
    const { app, calls } = createTestApp({ inbox: null });
    const headers = standardHeaders(body);
    await post(app, body, headers);
    await post(app, body, headers);
    expect(calls).toHaveLength(2);
  });

  it('gives a non-JSON body that verifies a null payload', async () => {
    const { app, calls } = createTestApp();
    const text = 'plain text, not JSON {';
    expect((await post(app, text, standardHeaders(text))).status).toBe(200);
    expect(calls[0]).toMatchObject({ payload: null, text });
    const empty = await post(app, '', standardHeaders('', 'msg_empty'));
    expect(empty.status).toBe(200);
    expect(calls[1]).toMatchObject({ id: 'msg_empty', payload: null, text: '' });
  });

  it('keeps raw bytes exact (no re-encoding) for non-UTF-8 bodies', async () => {
    const { app, calls } = createTestApp();
    const bytes = new Uint8Array([0xff, 0x00, 0xfe, 0x7b]);
    const headers = signStandard({ id: 'msg_bin', timestampSec: T, body: bytes, secrets: SECRET });
    expect((await post(app, bytes, headers)).status).toBe(200);
    expect(calls[0]).toMatchObject({ id: 'msg_bin', payload: null });
  });
});

describe('verifyWebhook body limits', () => {
  it('answers 413 from Content-Length before reading', async () => {
    const { app, calls } = createTestApp({ maxBodyBytes: 16 });
    const body = JSON.stringify({ big: 'x'.repeat(100) });
    await expectProblem(await post(app, body, standardHeaders(body)), 413, 'payload_too_large');
    expect(calls).toHaveLength(0);
  });

  it('answers 413 when a streamed body without Content-Length grows past the limit', async () => {
    const { app, calls } = createTestApp({ maxBodyBytes: 1024 });
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        if (pulled > 1000) controller.close();
        else controller.enqueue(new Uint8Array(512).fill(0x61));
      },
    });
    const req = new Request('http://localhost/hook', {
      method: 'POST',
      body: stream,
      headers: standardHeaders('irrelevant'),
      duplex: 'half',
    } as RequestInit);
    expect(req.headers.get('content-length')).toBeNull();
    await expectProblem(await app.request(req), 413, 'payload_too_large');
    expect(pulled).toBeLessThan(10);
    expect(calls).toHaveLength(0);
  });

  it('accepts a body exactly at the limit', async () => {
    const body = JSON.stringify({ pad: 'x'.repeat(20) });
    const { app } = createTestApp({ maxBodyBytes: Buffer.byteLength(body) });
    expect((await post(app, body, standardHeaders(body))).status).toBe(200);
  });
});

describe('verifyWebhook secrets', () => {
  it('reads per-request secrets from getSecrets(c), several during rotation', async () => {
    const tenantSecrets: Record<string, string[]> = {
      acme: ['whsec_b2xkLW9sZC1vbGQtb2xkLW9sZC1vbGQtb2xk', SECRET],
    };
    const app = new Hono<WebhookEnv>();
    app.post(
      '/hooks/:tenant',
      verifyWebhook({
        scheme: 'standard',
        getSecrets: (c) => tenantSecrets[c.req.param('tenant') ?? ''] ?? [],
        now: NOW,
      }),
      (c) => c.json({ ok: c.get('webhook').id }),
    );
    const body = '{"x":1}';
    const send = (tenant: string) =>
      app.request(`/hooks/${tenant}`, { method: 'POST', body, headers: standardHeaders(body) });
    expect(await (await send('acme')).json()).toEqual({ ok: 'msg_1' });
    await expectProblem(await send('unknown'), 401, 'no_secret');
  });

  it('refuses a broken static secret at startup and answers a broken per-request one with a generic 500', async () => {
    expect(() => verifyWebhook({ scheme: 'standard', secrets: 'whsec_***not-base64***' })).toThrow(TypeError);
    const { app } = createTestApp({ secrets: undefined, getSecrets: () => 'whsec_***not-base64***' });
    const body = '{}';
    const res = await post(app, body, standardHeaders(body));
    await expectProblem(res, 500, 'receiver_misconfigured');
  });

  it('refuses to build without secrets or an unknown scheme', () => {
    expect(() => verifyWebhook({ scheme: 'standard' })).toThrow(TypeError);
    expect(() => verifyWebhook({ scheme: 'md5' as never, secrets: 'x' })).toThrow(TypeError);
  });
});

describe('verifyWebhook dedupe per sender, inside the handler’s transaction', () => {
  const body = JSON.stringify({ type: 'order.created', data: { order_id: 'ord_1' } });

  it('scopes ids by sender: the same webhook-id from two merchants reaches the handler twice', async () => {
    const { app, calls } = createTestApp({
      inbox: createSqliteInbox(new Database(':memory:')),
      inboxScope: (c) => c.req.header('x-merchant-id') ?? '',
    });
    const headers = standardHeaders(body, 'msg_shared');
    expect((await post(app, body, { ...headers, 'x-merchant-id': 'mer_a' })).status).toBe(200);
    expect((await post(app, body, { ...headers, 'x-merchant-id': 'mer_b' })).status).toBe(200);
    const again = await post(app, body, { ...headers, 'x-merchant-id': 'mer_a' });
    expect(await again.json()).toEqual({ duplicate: true });
    expect(calls).toHaveLength(2);
  });

  it('claim() records the id in the handler’s own transaction: work and inbox row commit together', async () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE orders (id TEXT PRIMARY KEY)');
    const inbox = createSqliteInbox(db);
    let answers = 0;
    const app = new Hono<WebhookEnv>();
    app.onError((_err, c) => c.json({ error: 'internal' }, 500));
    app.post('/hook', verifyWebhook({ scheme: 'standard', secrets: SECRET, now: NOW, inbox }), (c) => {
      const webhook = c.get('webhook');
      const fresh = db.transaction(() => {
        if (!webhook.claim()) return false;
        db.prepare('INSERT INTO orders VALUES (?)').run(`ord_${answers}`);
        return true;
      })();
      // The first answer is lost after the commit (a crash, a timeout): the sender retries.
      if (++answers === 1) throw new Error('connection reset after commit');
      return c.json({ duplicate: !fresh });
    });
    const headers = standardHeaders(body, 'msg_tx');
    expect((await post(app, body, headers)).status).toBe(500);
    expect(await (await post(app, body, headers)).json()).toEqual({ duplicate: true });
    expect(db.prepare('SELECT count(*) AS n FROM orders').get()).toEqual({ n: 1 });
  });

  it('a rolled-back handler leaves no inbox row, so the retry runs it again', async () => {
    const db = new Database(':memory:');
    const inbox = createSqliteInbox(db);
    let runs = 0;
    const app = new Hono<WebhookEnv>();
    app.onError((_err, c) => c.json({ error: 'internal' }, 500));
    app.post('/hook', verifyWebhook({ scheme: 'standard', secrets: SECRET, now: NOW, inbox }), (c) => {
      db.transaction(() => {
        c.get('webhook').claim();
        if (++runs === 1) throw new Error('business rule failed');
      })();
      return c.json({ ok: true });
    });
    const headers = standardHeaders(body, 'msg_rb');
    expect((await post(app, body, headers)).status).toBe(500);
    expect((await post(app, body, headers)).status).toBe(200);
    expect(await (await post(app, body, headers)).json()).toEqual({ duplicate: true });
    expect(runs).toBe(2);
  });
});

describe('verifyWebhook timestamps: the past and the future refused alike', () => {
  it.each([
    ['standard', SECRET, (ts: number, b: string) => standardHeaders(b, 'msg_ts', ts)],
    [
      'stripe',
      'whsec_stripe',
      (ts: number, b: string) => signStripe({ timestampSec: ts, body: b, secrets: 'whsec_stripe' }),
    ],
    [
      'slack',
      'slack-secret',
      (ts: number, b: string) =>
        signers.slack.sign({ id: '', timestampSec: ts, body: b, secrets: ['slack-secret'] }),
    ],
  ] as const)(
    '%s: an hour ahead is refused, the edge of the window accepted',
    async (scheme, secret, sign) => {
      const { app, calls } = createTestApp({ scheme, secrets: secret, inbox: null });
      const b = JSON.stringify({ id: 'evt_ts', event_id: 'Ev_ts' });
      await expectProblem(await post(app, b, sign(T + 3600, b)), 401, 'timestamp_too_new');
      await expectProblem(await post(app, b, sign(T + 301, b)), 401, 'timestamp_too_new');
      await expectProblem(await post(app, b, sign(T - 301, b)), 401, 'timestamp_too_old');
      expect(calls).toHaveLength(0);
      expect((await post(app, b, sign(T + 300, b))).status).toBe(200);
      expect((await post(app, b, sign(T - 300, b))).status).toBe(200);
    },
  );
});

describe('verifyWebhook per scheme', () => {
  it('stripe: dedupes on the event id even though each retry is re-signed', async () => {
    const { app, calls } = createTestApp({ scheme: 'stripe', secrets: 'whsec_stripe' });
    const body = JSON.stringify({ id: 'evt_1', object: 'event', type: 'payment_intent.succeeded' });
    const first = signStripe({ timestampSec: T, body, secrets: 'whsec_stripe' });
    const retry = signStripe({ timestampSec: T + 60, body, secrets: 'whsec_stripe' });
    expect((await post(app, body, first)).status).toBe(200);
    expect(await (await post(app, body, retry)).json()).toEqual({ duplicate: true });
    expect(calls).toEqual([{ id: 'evt_1', payload: JSON.parse(body), text: body }]);
    await expectProblem(await post(app, body, { 'Stripe-Signature': 't=1,v1=00' }), 401, 'timestamp_too_old');
  });

  it('slack: dedupes on event_id; a form-encoded slash command verifies with payload null', async () => {
    const { app, calls } = createTestApp({ scheme: 'slack', secrets: 'slack-signing-secret' });
    const event = JSON.stringify({ type: 'event_callback', event_id: 'Ev123', event: { type: 'message' } });
    const sign = (body: string, ts: number) =>
      signers.slack.sign({ id: '', timestampSec: ts, body, secrets: ['slack-signing-secret'] });
    expect((await post(app, event, sign(event, T))).status).toBe(200);
    const retry = await post(app, event, { ...sign(event, T + 60), 'X-Slack-Retry-Num': '1' });
    expect(await retry.json()).toEqual({ duplicate: true });
    const form = 'command=%2Fdeploy&text=now';
    const res = await post(app, form, {
      ...sign(form, T),
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(res.status).toBe(200);
    expect(calls.map((call) => call.id)).toEqual(['Ev123', expect.stringMatching(/^sha256:[0-9a-f]{64}$/)]);
    expect(calls[1]?.payload).toBeNull();
    await expectProblem(await post(app, event, sign(event, T - 301)), 401, 'timestamp_too_old');
  });

  it.each(['hub-sha1', 'hub-sha256', 'hub-sha384', 'hub-sha512'] as const)(
    '%s verifies and refuses',
    async (scheme) => {
      const { app, calls } = createTestApp({ scheme, secrets: 'hub-secret' });
      const body = '<?xml version="1.0"?><feed/>';
      const headers = signers[scheme].sign({ id: '', timestampSec: T, body, secrets: ['hub-secret'] });
      const res = await post(app, body, { ...headers, 'content-type': 'application/atom+xml' });
      expect(res.status).toBe(200);
      expect(calls[0]?.payload).toBeNull();
      await expectProblem(await post(app, `${body} `, headers), 401, 'no_matching_signature');
      await expectProblem(
        await post(app, body, { 'X-Hub-Signature': 'md5=00' }),
        401,
        'unsupported_algorithm',
      );
      expect(await (await post(app, body, headers)).json()).toEqual({ duplicate: true });
    },
  );

  it('x: verifies the base64 signature and dedupes on it', async () => {
    const { app, calls } = createTestApp({ scheme: 'x', secrets: 'consumer-secret' });
    const body = JSON.stringify({ data: { id: '1', text: '#dresses' }, matching_rules: [] });
    const headers = signers.x.sign({ id: '', timestampSec: T, body, secrets: ['consumer-secret'] });
    expect((await post(app, body, headers)).status).toBe(200);
    expect(await (await post(app, body, headers)).json()).toEqual({ duplicate: true });
    await expectProblem(await post(app, body, {}), 401, 'missing_header');
    expect(calls).toHaveLength(1);
  });

  it('none: accepts unsigned messages and dedupes identical bodies', async () => {
    const { app, calls } = createTestApp({ scheme: 'none' });
    expect((await post(app, '{"a":1}', {})).status).toBe(200);
    expect((await post(app, '{"a":2}', {})).status).toBe(200);
    expect(await (await post(app, '{"a":1}', {})).json()).toEqual({ duplicate: true });
    expect(calls.map((call) => call.payload)).toEqual([{ a: 1 }, { a: 2 }]);
  });
});
