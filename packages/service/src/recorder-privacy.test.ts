import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import {
  createServiceApp,
  createTracedFetch,
  ExchangeRecorder,
  redactBody,
  redactHeaders,
  redactUrl,
  serve,
} from './index.ts';

// What a PaymentIntent carries that must never reach the recorder (or the console, or its JSON route).
const CLIENT_SECRET = 'pi_3Leak0000000000000000_secret_Zq8mWb2Kd9XvTqLp3Rn7Ys4Hf';
const EMAIL = 'ada.lovelace@example.org';
const SIGNATURE = '9f2c4be1d7a04c3e8b5f6a7d8c9e0f1a2b3c4d5e6f708192a3b4c5d6e7f80912';
const SIGNED_URL = `http://127.0.0.1:3003/blobs/labels/shp_1.pdf?expires=1893456000&signature=${SIGNATURE}`;
const SLACK_TOKEN = 'xoxb-2837461-9876543210-Qw3rTy8UiOp1AsDfGhJkLzXc';
const PHONE = '+33 6 12 34 56 78';
const STREET = '12 Rue de Rivoli';
const PERSON = 'Ada Lovelace';
const SECRETS = [
  CLIENT_SECRET.split('_secret_')[1]!,
  EMAIL,
  SIGNATURE,
  SLACK_TOKEN.slice(5),
  PHONE,
  STREET,
  PERSON,
];

const paymentIntent = {
  id: 'pi_3Leak0000000000000000',
  object: 'payment_intent',
  amount: 12900,
  currency: 'eur',
  client_secret: CLIENT_SECRET,
  receipt_email: EMAIL,
  description: `Archive tulle gown for ${EMAIL}`,
  metadata: { label_url: SIGNED_URL, slack: SLACK_TOKEN },
  next_action: {
    redirect_to_url: { url: `http://127.0.0.1:3002/3ds/pi_3Leak?client_secret=${CLIENT_SECRET}` },
  },
  shipping: {
    name: PERSON,
    phone: PHONE,
    address: { line1: STREET, city: 'Paris', postal_code: '75001', country: 'FR' },
  },
  items: [{ name: 'Archive tulle gown', quantity: 1 }],
};

const form = new URLSearchParams({
  amount: '12900',
  currency: 'eur',
  receipt_email: EMAIL,
  'shipping[name]': PERSON,
  'shipping[phone]': PHONE,
  'shipping[address][line1]': STREET,
  'metadata[label_url]': SIGNED_URL,
  return_url: `http://127.0.0.1:3001/orders/ord_1?payment_intent_client_secret=${CLIENT_SECRET}`,
}).toString();

function expectNoSecrets(recorder: ExchangeRecorder) {
  const recorded = JSON.stringify(recorder.list());
  for (const secret of SECRETS) expect(recorded).not.toContain(secret);
  return recorded;
}

describe('exchange recorder privacy', () => {
  it('records a PaymentIntent through the server middleware with none of its secrets or personal data', async () => {
    const recorder = new ExchangeRecorder('payments');
    const app = createServiceApp({ name: 'payments', recorder });
    app.post('/v1/payment_intents', async (c) => {
      await c.req.text();
      c.header('location', SIGNED_URL);
      return c.json(paymentIntent);
    });
    const server = await serve({ app, port: 0 });
    try {
      const res = await fetch(`${server.url}/v1/payment_intents?client_secret=${CLIENT_SECRET}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Bearer ${SLACK_TOKEN}`,
          'x-slack-signature': `v0=${SIGNATURE}`,
          cookie: `session=${SIGNATURE}`,
        },
        body: form,
      });
      expect((await res.json()).client_secret).toBe(CLIENT_SECRET); // the client itself gets it
      const [e] = recorder.list();
      expect(e).toBeDefined();
      const recorded = expectNoSecrets(recorder);
      // Still a useful diagram: ids, amounts, products and the shape of what was hidden stay.
      expect(recorded).toContain('payment_intent_client_secret%3D[redacted]');
      expect(e!.responseBody).toContain('"id":"pi_3Leak0000000000000000"');
      expect(e!.responseBody).toContain('"client_secret":"[redacted]"');
      expect(e!.responseBody).toContain('"amount":12900');
      expect(e!.responseBody).toContain('Archive tulle gown');
      expect(e!.requestBody).toContain('amount=12900');
      expect(e!.requestHeaders.authorization).toBe('Bearer xoxb-[redacted]');
      expect(e!.requestHeaders['x-slack-signature']).toBe('v0=[redacted]');
      expect(e!.responseHeaders.location).toContain('expires=1893456000&signature=[redacted]');
    } finally {
      await server.close();
    }
  });

  it('redacts what the traced fetch client sends and receives', async () => {
    const upstream = createServiceApp({ name: 'upstream' });
    upstream.post('/v1/payment_intents', (c) => c.json(paymentIntent));
    const server = await serve({ app: upstream, port: 0 });
    const recorder = new ExchangeRecorder('shop');
    try {
      const f = createTracedFetch({ from: 'shop', recorder });
      await f(`${server.url}/v1/payment_intents`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-api-key': 'sk_live_abcdefghijklmnop',
        },
        body: form,
      });
      const [e] = recorder.list();
      expect(e).toMatchObject({ direction: 'out', status: 200 });
      expectNoSecrets(recorder);
      expect(JSON.stringify(e)).not.toContain('abcdefghijklmnop');
    } finally {
      await server.close();
    }
  });

  it('redacts what an outbox attempt records (the shop and logistics pass the raw webhook body)', () => {
    const recorder = new ExchangeRecorder('shop');
    const event = { id: 'evt_1', type: 'payment_intent.succeeded', data: { object: paymentIntent } };
    recorder.record({
      kind: 'webhook',
      direction: 'out',
      from: 'shop',
      to: 'logistics',
      method: 'POST',
      url: `https://hooks.slack.com/services/T000/B000/${SIGNATURE}`,
      status: 500,
      durationMs: 3,
      requestHeaders: { 'webhook-signature': `v1,${Buffer.from(SIGNATURE).toString('base64')}` },
      responseHeaders: { 'set-cookie': `sid=${SIGNATURE}; Path=/; HttpOnly` },
      requestBody: JSON.stringify(event, null, 2),
      responseBody: `failed for ${EMAIL}`,
      error: `connect ECONNREFUSED ${SIGNED_URL}`,
    });
    expectNoSecrets(recorder);
    const [e] = recorder.list();
    expect(e!.responseHeaders['set-cookie']).toBe('sid=[redacted]; Path=/; HttpOnly');
    expect(JSON.parse(e!.requestBody!)).toMatchObject({ data: { object: { amount: 12900 } } });
  });

  it('masks by field in JSON, forms and query strings, and by shape in text', () => {
    const json = redactBody(
      JSON.stringify({
        customer: { name: PERSON, email: EMAIL },
        ship_to: { name: PERSON },
        items: [{ name: 'Gown' }],
      }),
    );
    expect(JSON.parse(json)).toEqual({
      customer: { name: '[redacted]', email: '[redacted]' },
      ship_to: { name: '[redacted]' },
      items: [{ name: 'Gown' }],
    });
    expect(
      JSON.parse(
        redactBody(
          JSON.stringify({
            address: STREET,
            customer: 'cus_123',
            card: { number: '4242424242424242', last4: '4242' },
            ship_to: { lines: [STREET, 'Apt 3'] },
          }),
        ),
      ),
    ).toEqual({
      address: '[redacted]',
      customer: 'cus_123',
      card: { number: '[redacted]', last4: '4242' },
      ship_to: { lines: ['[redacted]', '[redacted]'] },
    });
    expect(redactBody('hub.mode=subscribe&hub.secret=s3cr3t-value&hub.topic=x')).toBe(
      'hub.mode=subscribe&hub.secret=[redacted]&hub.topic=x',
    );
    expect(
      redactUrl('https://bucket.s3.test/k?X-Amz-Credential=AKIAEXAMPLE&X-Amz-Signature=abc123&x=1'),
    ).toBe('https://bucket.s3.test/k?X-Amz-Credential=[redacted]&X-Amz-Signature=[redacted]&x=1');
    expect(redactUrl('https://user:hunter2@example.test/')).toBe('https://user:[redacted]@example.test/');
    // A body cut short (not parseable any more) is still masked by key.
    const cut = JSON.stringify(paymentIntent).slice(0, 400);
    for (const s of [CLIENT_SECRET, EMAIL]) expect(redactBody(cut)).not.toContain(s);
    expect(redactHeaders({ 'x-hooklab-dev-token': 'a-long-dev-token-value' })).toEqual({
      'x-hooklab-dev-token': '[redacted]',
    });
    // Masking is stable: recording an already-masked exchange changes nothing.
    const once = redactBody(JSON.stringify(paymentIntent));
    expect(redactBody(once)).toBe(once);
  });
});

const fakeLogger = () => ({ error() {}, info() {}, warn() {}, debug() {} }) as never;

describe('GET /_hooklab/exchanges access', () => {
  const TOKEN = 'dev-token-0123456789abcdef';
  const make = (dev?: { HOOKLAB_DEV: boolean; HOOKLAB_DEV_TOKEN?: string }) => {
    const recorder = new ExchangeRecorder('demo', 5);
    const app = createServiceApp({ name: 'demo', recorder, dev, logger: fakeLogger() });
    app.get('/ping', (c) => c.json({ ok: true }));
    return { app, recorder };
  };

  it('does not exist outside dev mode (404 problem+json), even with the token', async () => {
    for (const dev of [undefined, { HOOKLAB_DEV: false, HOOKLAB_DEV_TOKEN: TOKEN }]) {
      const { app } = make(dev);
      const res = await app.request('/_hooklab/exchanges', { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(await res.json()).toMatchObject({ status: 404, code: 'not_found' });
    }
  });

  it('in dev mode, needs a caller on this machine or the dev token (constant-time compared)', async () => {
    const { app } = make({ HOOKLAB_DEV: true, HOOKLAB_DEV_TOKEN: TOKEN });
    await app.request('/ping');
    // app.request() has no socket: not a local caller, so only the token opens it.
    const none = await app.request('/_hooklab/exchanges');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const wrong = await app.request('/_hooklab/exchanges', { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const bearer = await app.request('/_hooklab/exchanges', {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(bearer.status).toBe(200);
    expect((await bearer.json()).data).toHaveLength(1);
    const header = await app.request('/_hooklab/exchanges', { headers: { 'x-hooklab-dev-token': TOKEN } });
    expect(header.status).toBe(200);
    const noTokenSet = make({ HOOKLAB_DEV: true }).app;
    expect((await noTokenSet.request('/_hooklab/exchanges')).status).toBe(403);
  });

  it('serves a loopback caller in dev mode, but not one behind a local tunnel or with a foreign Host', async () => {
    const { app } = make({ HOOKLAB_DEV: true });
    const server = await serve({ app, port: 0 });
    const get = (headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const req = httpRequest(`${server.url}/_hooklab/exchanges`, { headers }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    try {
      expect(await get({})).toBe(200);
      expect(await get({ host: `localhost:${server.port}` })).toBe(200);
      expect(await get({ 'x-forwarded-for': '203.0.113.9' })).toBe(403);
      expect(await get({ host: 'rebound.attacker.example' })).toBe(403);
    } finally {
      await server.close();
    }
  });

  it('validates limit and trace_id (400 problem+json), and returns the newest `limit` exchanges', async () => {
    const { app } = make({ HOOKLAB_DEV: true, HOOKLAB_DEV_TOKEN: TOKEN });
    for (let i = 0; i < 4; i++) await app.request(`/ping?i=${i}`);
    const get = (q: string) =>
      app.request(`/_hooklab/exchanges${q}`, { headers: { 'x-hooklab-dev-token': TOKEN } });
    for (const bad of ['-5', '0', '1.5', 'abc', '', '6']) {
      const res = await get(`?limit=${bad}`);
      expect(res.status, `limit=${bad}`).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(await res.json()).toMatchObject({ status: 400, code: 'validation_failed', param: 'limit' });
    }
    expect((await get('?trace_id=nope')).status).toBe(400);
    const two = (await (await get('?limit=2')).json()) as { data: { url: string }[] };
    expect(two.data.map((e) => new URL(e.url).search)).toEqual(['?i=2', '?i=3']);
    const all = (await (await get('?limit=5')).json()) as { data: unknown[] };
    expect(all.data).toHaveLength(4);
  });
});
