// A Hooklab extension (issue 12), through the official SDK: a webhook endpoint's url may be mailto:, queue:
// or topic:. Bad ones are Stripe-style 400 url_invalid; events reach them through the transport router with
// the outbox's retries and attempt log, on the embedded engines (SQLite queue, aedes) and an SMTP sink.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@hooklab/service/ports';
import {
  type CloudEvent,
  consumeQueue,
  createQueueBroker,
  stopEmbeddedBroker,
  subscribeTopic,
} from '@hooklab/webhooks';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestServer, stripeError, type TestServer } from '../test-support.ts';

interface Mail {
  to: string;
  raw: string;
}

/** An SMTP sink on `port` that keeps every mail it is given. */
async function startSmtp(port: number, mails: Mail[]) {
  const server = new SMTPServer({
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
        mails.push({
          to: session.envelope.rcptTo.map((r) => r.address).join(','),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('webhook endpoints on mailto:, queue: and topic: (Hooklab extension)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hooklab-payments-schemes-'));
  const queueFile = join(dir, 'queue.db');
  const mails: Mail[] = [];
  const queued: CloudEvent[] = [];
  const published: CloudEvent[] = [];
  let s: TestServer;
  let smtpPort: number;
  let topicPort: number;
  let smtp: Awaited<ReturnType<typeof startSmtp>> | undefined;
  let consumer: ReturnType<typeof consumeQueue>;
  let subscription: Awaited<ReturnType<typeof subscribeTopic>>;
  const broker = createQueueBroker({ file: queueFile });

  beforeAll(async () => {
    smtpPort = await freePort();
    topicPort = await freePort();
    s = await startTestServer({
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      QUEUE_DB: queueFile,
      TOPIC_BROKER_PORT: String(topicPort),
    });
    consumer = consumeQueue('payments', (event) => void queued.push(event), {
      broker,
      consumer: 'ledger',
    });
    subscription = await subscribeTopic('payments/eu', (event) => void published.push(event), {
      embeddedPort: topicPort,
    });
  });
  afterAll(async () => {
    await consumer?.close();
    await subscription?.close();
    await s?.close();
    await smtp?.close();
    await broker.close();
    await stopEmbeddedBroker(topicPort);
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates endpoints on each scheme, stored and listed as given', async () => {
    const stripe = s.stripe();
    for (const url of ['mailto:ops@atelier.test', 'queue:payments.refunds', 'topic:payments/eu']) {
      const ep = await stripe.webhookEndpoints.create({ url, enabled_events: ['charge.refunded'] });
      expect(ep).toMatchObject({ url, status: 'enabled', secret: expect.stringMatching(/^whsec_/) });
      expect((await stripe.webhookEndpoints.retrieve(ep.id)).url).toBe(url);
      await stripe.webhookEndpoints.del(ep.id);
    }
  });

  it.each([
    ['sqs:payments', /unsupported callback scheme "sqs:"/],
    ['mailto:not-an-address', /mailto: needs one e-mail address/],
    ['mailto:ops@atelier.test?cc=boss@atelier.test', /mailto: needs one e-mail address/],
    ['queue:two words', /queue: needs a name/],
    ['queue:', /queue: needs a name/],
    ['topic:payments/#', /topic: needs 1–8 levels/],
    ['topic:a//b', /topic: needs 1–8 levels/],
  ])('refuses %s with a Stripe-style 400 url_invalid naming url', async (url, message) => {
    const stripe = s.stripe();
    const err = await stripeError(stripe.webhookEndpoints.create({ url, enabled_events: ['*'] }));
    expect(err).toMatchObject({
      statusCode: 400,
      type: 'StripeInvalidRequestError',
      code: 'url_invalid',
      param: 'url',
    });
    expect(err.message).toMatch(message);
    const ep = await stripe.webhookEndpoints.create({ url: 'queue:payments', enabled_events: ['*'] });
    const update = await stripeError(stripe.webhookEndpoints.update(ep.id, { url }));
    expect(update).toMatchObject({ statusCode: 400, code: 'url_invalid', param: 'url' });
    await stripe.webhookEndpoints.del(ep.id);
  });

  it('delivers an event to each target; the e-mail is retried while SMTP is down; the dashboard shows them', {
    timeout: 30_000,
  }, async () => {
    const stripe = s.stripe();
    const create = (url: string) =>
      stripe.webhookEndpoints.create({ url, enabled_events: ['payment_intent.created'] });
    const mailEp = await create('mailto:ops@atelier.test');
    const queueEp = await create('queue:payments');
    const topicEp = await create('topic:payments/eu');
    const pi = await stripe.paymentIntents.create({ amount: 4200, currency: 'eur' });
    const event = (await stripe.events.list({ type: 'payment_intent.created' })).data.find(
      (e) => (e.data.object as { id: string }).id === pi.id,
    );
    expect(event).toBeDefined();
    const eventId = event?.id ?? '';

    // Queue and topic: a CloudEvent whose id is the event's and whose data is the Stripe event.
    const inQueue = await eventually(() => queued.find((e) => e.id === eventId));
    expect(inQueue).toMatchObject({
      specversion: '1.0',
      source: '/payments',
      type: 'payment_intent.created',
      data: { id: eventId, object: 'event', data: { object: { id: pi.id, amount: 4200 } } },
    });
    expect(inQueue.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const onTopic = await eventually(() => published.find((e) => e.id === eventId));
    expect(onTopic).toMatchObject({ source: '/payments', data: { id: eventId } });

    // SMTP was down for the first attempt: a failed attempt in the log, then the retry (1 s later) lands.
    const failedFirst = await eventually(async () => {
      const [m] = await s.outbox.listMessages({ endpointId: mailEp.id, limit: 10 });
      return m && m.attempts >= 1 && m.status === 'pending' && m;
    });
    expect(failedFirst.lastFailureKind).not.toBeNull();
    smtp = await startSmtp(smtpPort, mails);
    const mail = await eventually(() => mails.find((m) => m.raw.includes(eventId)), 15_000);
    expect(mail.to).toBe('ops@atelier.test');
    expect(mail.raw).toMatch(/^Subject: .*payment_intent\.created/m);
    expect(mail.raw).toMatch(new RegExp(`^X-Hooklab-Event-Id: ${eventId}`, 'im'));
    const delivered = await eventually(async () => {
      const m = await s.outbox.getMessage(failedFirst.id);
      return m?.status === 'delivered' && m;
    });
    expect(delivered.attemptLog.map((a) => a.ok)).toEqual([false, true]);
    expect(delivered.attemptLog[1]?.statusCode).toBe(250);

    // The dashboard lists each target with its transport, and a queue/topic attempt as stored.
    const html = await (await fetch(`${s.url}/dashboard`)).text();
    for (const [ep, kind] of [
      [mailEp, 'e-mail'],
      [queueEp, 'queue'],
      [topicEp, 'topic'],
    ] as const) {
      expect(html).toContain(ep.id);
      expect(html).toContain(`<span class="badge">${kind}</span> <code>${ep.url}</code>`);
    }
    expect(html).toMatch(/#1 [\d:.]+ → stored in/);
  });

  it('replays to a queue what was set aside while the endpoint was disabled', {
    timeout: 30_000,
  }, async () => {
    const stripe = s.stripe();
    const ep = await stripe.webhookEndpoints.create({
      url: 'queue:payments',
      enabled_events: ['payment_intent.canceled'],
    });
    const pi = await stripe.paymentIntents.create({ amount: 990, currency: 'eur' });
    // Sender paused: the event waits in the outbox; the endpoint is disabled before its first attempt.
    await s.dispatcher.stop();
    await stripe.paymentIntents.cancel(pi.id);
    await stripe.webhookEndpoints.update(ep.id, { disabled: true });
    await s.dispatcher.start();
    const setAside = await eventually(async () => {
      const [m] = await s.outbox.listMessages({ endpointId: ep.id, limit: 10 });
      return m?.status === 'failed' && m;
    });
    expect(queued.some((e) => e.id === setAside.eventId)).toBe(false);

    await stripe.webhookEndpoints.update(ep.id, { disabled: false });
    expect(await s.replayFailedDeliveries(ep.id)).toBe(1);
    const replayed = await eventually(() => queued.find((e) => e.id === setAside.eventId));
    expect(replayed).toMatchObject({
      type: 'payment_intent.canceled',
      data: { data: { object: { id: pi.id } } },
    });
  });
});
