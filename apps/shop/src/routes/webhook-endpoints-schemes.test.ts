// /v1/webhook_endpoints takes mailto:, queue: and topic: targets as well as http(s) (issue 12), checked at
// registration; order events reach them through the shop's dispatcher (the transport router), on the
// embedded engines (SQLite queue, aedes) and an SMTP sink.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningApp } from '@hooklab/service';
import { freePort } from '@hooklab/service/ports';
import {
  type CloudEvent,
  consumeQueue,
  createQueueBroker,
  stopEmbeddedBroker,
  subscribeTopic,
} from '@hooklab/webhooks';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { start } from '../main.ts';
import {
  ADMIN,
  createOrder,
  piObject,
  stripeDelivery,
  stripeEvent,
  TEST_STRIPE_SECRET,
  testShop,
} from '../test-support.ts';

const post = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...ADMIN },
  body: JSON.stringify(body),
});

describe('/v1/webhook_endpoints: mailto:, queue: and topic: targets checked at registration', () => {
  it.each([
    ['sqs:orders', /unsupported callback scheme "sqs:"/],
    ['ftp://x.example/h', /unsupported callback scheme "ftp:"/],
    ['mailto:not-an-address', /mailto: needs one e-mail address/],
    ['mailto:ops@atelier.test?cc=boss@atelier.test', /mailto: needs one e-mail address/],
    ['queue:two words', /queue: needs a name/],
    ['topic:orders/#', /topic: needs 1–8 levels/],
    ['topic:a//b', /topic: needs 1–8 levels/],
  ])('refuses %s with a 400 problem naming url', async (url, message) => {
    const shop = testShop();
    try {
      const res = await shop.app.request('/v1/webhook_endpoints', post({ url, enabled_events: ['*'] }));
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      const problem = (await res.json()) as { code: string; issues: { path: string; message: string }[] };
      expect(problem.code).toBe('validation_failed');
      expect(problem.issues).toEqual([{ path: 'url', message: expect.stringMatching(message) }]);
    } finally {
      shop.close();
    }
  });

  it('accepts each scheme, stored and listed as given, with a secret like any endpoint', async () => {
    const shop = testShop({ env: { HOOKLAB_DEV: '0', SHOP_ADMIN_KEY: 'shop_admin_key_for_tests' } });
    try {
      for (const url of ['mailto:ops@atelier.test', 'queue:orders', 'topic:orders/eu']) {
        const res = await shop.app.request('/v1/webhook_endpoints', {
          ...post({ url, enabled_events: ['order.paid'] }),
          headers: { 'content-type': 'application/json', authorization: 'Bearer shop_admin_key_for_tests' },
        });
        expect(res.status, url).toBe(201);
        expect(await res.json()).toMatchObject({ url, secret: expect.stringMatching(/^whsec_/) });
      }
    } finally {
      shop.close();
    }
  });
});

describe('order events reach mailto:, queue: and topic: endpoints (the shop as started)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hooklab-shop-schemes-'));
  const queueFile = join(dir, 'queue.db');
  const mails: { to: string; raw: string }[] = [];
  const queued: CloudEvent[] = [];
  const published: CloudEvent[] = [];
  const broker = createQueueBroker({ file: queueFile });
  let shop: RunningApp;
  let topicPort: number;
  let smtp: InstanceType<typeof SMTPServer>;
  let consumer: ReturnType<typeof consumeQueue>;
  let subscription: Awaited<ReturnType<typeof subscribeTopic>>;

  beforeAll(async () => {
    const smtpPort = await freePort();
    topicPort = await freePort();
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(
        stream: NodeJS.ReadableStream,
        session: { envelope: { rcptTo: { address: string }[] } },
        callback: () => void,
      ) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const to = session.envelope.rcptTo.map((r) => r.address).join(',');
          mails.push({ to, raw: Buffer.concat(chunks).toString('utf8') });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(smtpPort, '127.0.0.1', resolve));
    shop = await start(
      {
        PORT: '0',
        DATA_DIR: ':memory:',
        LOG_LEVEL: 'silent',
        HOOKLAB_DEV: '1',
        STRIPE_WEBHOOK_SECRET: TEST_STRIPE_SECRET,
        // Nothing listens there: the shop's own calls to payments and logistics go nowhere.
        PAYMENTS_URL: 'http://127.0.0.1:9',
        LOGISTICS_URL: 'http://127.0.0.1:9',
        SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
        QUEUE_DB: queueFile,
        TOPIC_BROKER_PORT: String(topicPort),
      },
      { handleSignals: false },
    );
    consumer = consumeQueue('orders', (event) => void queued.push(event), { broker, consumer: 'erp' });
    subscription = await subscribeTopic('orders/eu', (event) => void published.push(event), {
      embeddedPort: topicPort,
    });
  });
  afterAll(async () => {
    await consumer?.close();
    await subscription?.close();
    await shop?.close();
    await new Promise<void>((r) => smtp.close(() => r()));
    await broker.close();
    await stopEmbeddedBroker(topicPort);
    rmSync(dir, { recursive: true, force: true });
  });

  it('an order paid is an e-mail to the address, a message on the queue and one on the topic', {
    timeout: 30_000,
  }, async () => {
    const api = { request: (path: string, init?: RequestInit) => fetch(`${shop.url}${path}`, init) };
    for (const url of ['mailto:ops@atelier.test', 'queue:orders', 'topic:orders/eu']) {
      const res = await api.request('/v1/webhook_endpoints', post({ url, enabled_events: ['order.paid'] }));
      expect(res.status, url).toBe(201);
    }
    const order = await createOrder(api as unknown as ReturnType<typeof testShop>['app']);
    const paid = await api.request(
      '/webhooks/stripe',
      stripeDelivery(stripeEvent('payment_intent.succeeded', piObject('pi_schemes', order.id))),
    );
    expect(paid.status).toBe(200);

    const eventId = `order.paid.${order.id}`;
    const waitFor = <T>(fn: () => T) => vi.waitFor(fn, { timeout: 15_000, interval: 20 });
    const inQueue = await waitFor(() => {
      const e = queued.find((q) => q.id === eventId);
      if (!e) throw new Error('not on the queue yet');
      return e;
    });
    expect(inQueue).toMatchObject({
      source: '/shop',
      type: 'order.paid',
      data: { type: 'order.paid', data: { order_id: order.id, status: 'paid' } },
    });
    const onTopic = await waitFor(() => {
      const e = published.find((q) => q.id === eventId);
      if (!e) throw new Error('not on the topic yet');
      return e;
    });
    expect(onTopic).toMatchObject({ source: '/shop', data: { data: { order_id: order.id } } });
    const mail = await waitFor(() => {
      const m = mails.find((x) => x.to === 'ops@atelier.test');
      if (!m) throw new Error('no mail yet');
      return m;
    });
    expect(mail.raw).toMatch(/^Subject: .*order\.paid/m);
    expect(mail.raw).toMatch(new RegExp(`^X-Hooklab-Event-Id: ${eventId.replace(/\./g, '\\.')}`, 'im'));
  });
});
