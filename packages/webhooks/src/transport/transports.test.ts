// The non-HTTP transports on their embedded engines: mailto: (smtp-server as the mail sink), queue: (the
// SQLite queue) and topic: (the in-process aedes broker), alone and behind the outbox dispatcher.
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SMTPServer } from 'smtp-server';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createDispatcher } from '../outbox/dispatcher.ts';
import { createSqliteOutbox } from '../outbox/sqlite-store.ts';
import { parseCallbackTarget } from './callback-target.ts';
import type { CloudEvent } from './cloud-event.ts';
import { createMailTransport } from './mail-transport.ts';
import { consumeQueue, createQueueTransport } from './queue.ts';
import { createTransportRouter } from './router.ts';
import { createSqliteQueue } from './sqlite-queue.ts';
import { freePort } from './test-services.ts';
import { createTopicTransport, ensureEmbeddedBroker, stopEmbeddedBroker, subscribeTopic } from './topic.ts';
import type { TransportRequest } from './types.ts';

const waitFor = <T>(fn: () => T | Promise<T>, timeout = 10_000) => vi.waitFor(fn, { timeout, interval: 10 });
const dir = mkdtempSync(join(tmpdir(), 'hooklab-transports-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

const request = (url: string, eventId = `evt_${++n}`): TransportRequest => ({
  url,
  headers: {
    'x-hooklab-event-id': eventId,
    'x-hooklab-event-type': 'shipment.fulfilled',
    'x-hooklab-attempt': '1',
    traceparent: TRACEPARENT,
  },
  body: JSON.stringify({
    type: 'shipment.fulfilled',
    data: { object: { id: 'shp_1', status: 'fulfilled' } },
  }),
});

interface Mail {
  to: string;
  raw: string;
  header(name: string): string | undefined;
}

// mailparser is the mailbox app's; here the raw message is enough (our headers are plain ASCII).
async function startSmtp(port = 0) {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const head = raw.slice(0, raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
        mails.push({
          to: session.envelope.rcptTo.map((r) => r.address).join(','),
          raw,
          header: (name) => new RegExp(`^${name}: (.*)$`, 'im').exec(head)?.[1],
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.server.address() as AddressInfo;
  return { mails, port: address.port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('parseCallbackTarget', () => {
  it.each([
    ['https://atelier.test/hooks', 'http'],
    ['mailto:ops@atelier.test', 'email'],
    ['queue:pick-lists', 'queue'],
    ['topic:shipments/eu', 'topic'],
  ])('accepts %s', (url, kind) => {
    const parsed = parseCallbackTarget(url);
    expect(parsed.ok && parsed.target.kind).toBe(kind);
  });
  it.each([
    ['ftp://x.test/a', 'unsupported_scheme'],
    ['sqs:orders', 'unsupported_scheme'],
    ['mailto:not-an-address', 'invalid_email_address'],
    ['mailto:a@b.test,c@d.test', 'invalid_email_address'],
    ['mailto:ops@atelier.test?cc=x@y.test', 'invalid_email_address'],
    ['queue:', 'invalid_queue_name'],
    ['queue:has space', 'invalid_queue_name'],
    ['queue:a/b', 'invalid_queue_name'],
    ['topic:shipments/#', 'invalid_topic_name'],
    ['topic:a//b', 'invalid_topic_name'],
    ['topic:+', 'invalid_topic_name'],
    ['https://', 'invalid_url'],
  ])('refuses %s (%s)', (url, code) => {
    const parsed = parseCallbackTarget(url);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.code).toBe(code);
      expect(parsed.reason.length).toBeGreaterThan(10);
    }
  });
});

describe('mailto: transport', () => {
  it('sends a readable e-mail with the event id and traceparent as headers', async () => {
    const smtp = await startSmtp();
    const mail = createMailTransport({ smtpUrl: `smtp://127.0.0.1:${smtp.port}` });
    try {
      const result = await mail.send(request('mailto:ops@atelier.test', 'evt_mail_1'));
      expect(result).toMatchObject({ ok: true, statusCode: 250, failureKind: null });
      await waitFor(() => expect(smtp.mails).toHaveLength(1));
      const [m] = smtp.mails;
      expect(m!.to).toBe('ops@atelier.test');
      expect(m!.header('subject')).toBe('[Hooklab] shipment.fulfilled: shp_1');
      expect(m!.raw).toContain('status: fulfilled');
      expect(m!.raw).toContain('<h2>shipment.fulfilled</h2>');
      expect(m!.header('x-hooklab-event-id')).toBe('evt_mail_1');
      expect(m!.header('traceparent')).toBe(TRACEPARENT);
      expect(m!.header('message-id')).toBe('<evt_mail_1@hooklab.webhooks>');
    } finally {
      mail.close();
      await smtp.close();
    }
  });

  it('a refusal from the server (550) is a failed attempt with its reply code, not a crash', async () => {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo(_address, _session, callback) {
        callback(Object.assign(new Error('5.1.1 no such mailbox'), { responseCode: 550 }));
      },
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const mail = createMailTransport({
      smtpUrl: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`,
    });
    try {
      const result = await mail.send(request('mailto:nobody@atelier.test'));
      expect(result).toMatchObject({ ok: false, statusCode: 550, failureKind: 'http' });
      expect(result.excerpt).toContain('no such mailbox');
    } finally {
      mail.close();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('SMTP down: a connection failure the outbox retries, delivered once the server is back', async () => {
    const port = await freePort();
    const db = new Database(':memory:');
    const store = createSqliteOutbox(db);
    const transport = createTransportRouter({ smtpUrl: `smtp://127.0.0.1:${port}`, timeoutMs: 2000 });
    const attempts: { ok: boolean; failureKind: string | null }[] = [];
    const dispatcher = createDispatcher({
      store,
      transport,
      timeoutMs: 2000,
      onAttempt: (e) => attempts.push({ ok: e.attempt.ok, failureKind: e.attempt.failureKind }),
    });
    await dispatcher.start();
    const msg = db.transaction(() =>
      store.enqueue(db, {
        endpointId: 'ep_mail',
        url: 'mailto:ops@atelier.test',
        eventType: 'order.created',
        eventId: 'evt_smtp_down',
        body: '{"id":"ord_1"}',
        profile: 'standard',
      }),
    )();
    let smtp: Awaited<ReturnType<typeof startSmtp>> | undefined;
    try {
      // Witness of the failure: the first attempt's record, kind connection.
      await waitFor(() => expect(attempts[0]).toEqual({ ok: false, failureKind: 'connection' }));
      smtp = await startSmtp(port);
      await waitFor(async () => expect((await store.getMessage(msg.id))?.status).toBe('delivered'));
      expect(smtp.mails.map((m) => m.header('x-hooklab-event-id'))).toEqual(['evt_smtp_down']);
      const log = (await store.getMessage(msg.id))!.attemptLog;
      expect(log[0]).toMatchObject({ ok: false, failureKind: 'connection' });
      expect(log.at(-1)).toMatchObject({ ok: true, statusCode: 250 });
    } finally {
      await dispatcher.stop({ drainMs: 0 });
      transport.close();
      await smtp?.close();
    }
  });
});

describe('queue: on the embedded SQLite queue', () => {
  it('competing consumers: every message handled by exactly one, as a CloudEvent', async () => {
    const file = join(dir, 'competing.sqlite');
    const sender = createSqliteQueue({ file });
    const transport = createQueueTransport({ broker: sender, source: '/logistics' });
    // Consumers on their own connections, as in other processes.
    const brokers = [createSqliteQueue({ file }), createSqliteQueue({ file })];
    const seen = new Map<string, string[]>();
    const consumers = brokers.map((broker, i) =>
      consumeQueue(
        'pick-lists',
        (event) => {
          seen.set(event.id, [...(seen.get(event.id) ?? []), `c${i}`]);
        },
        { broker, consumer: `c${i}`, concurrency: 4 },
      ),
    );
    try {
      for (let i = 0; i < 200; i++) {
        const r = await transport.send(request('queue:pick-lists', `evt_q_${i}`));
        expect(r.ok).toBe(true);
      }
      await waitFor(() => expect(seen.size).toBe(200));
      await waitFor(async () => expect((await sender.depth('pick-lists')).inFlight).toBe(0));
      expect([...seen.values()].every((by) => by.length === 1)).toBe(true);
      const by = [...seen.values()].flat();
      expect(new Set(by)).toEqual(new Set(['c0', 'c1']));
    } finally {
      await Promise.all(consumers.map((c) => c.close()));
      for (const b of [...brokers, sender]) await b.close();
    }
  });

  it('the envelope is CloudEvents 1.0 with the traceparent extension', async () => {
    const broker = createSqliteQueue({ file: join(dir, 'envelope.sqlite') });
    await createQueueTransport({ broker, source: '/logistics' }).send(request('queue:one', 'evt_env'));
    const [d] = await broker.receive('one', {
      consumer: 'x',
      max: 1,
      visibilityMs: 1000,
      maxDeliveries: 3,
      waitMs: 0,
    });
    expect(d!.event).toMatchObject({
      specversion: '1.0',
      id: 'evt_env',
      source: '/logistics',
      type: 'shipment.fulfilled',
      datacontenttype: 'application/json',
      traceparent: TRACEPARENT,
      data: { type: 'shipment.fulfilled' },
    });
    expect(Number.isNaN(Date.parse(d!.event.time))).toBe(false);
    await broker.close();
  });

  it('consumer crashes before ack: redelivered to another consumer after the visibility timeout', async () => {
    const file = join(dir, 'crash.sqlite');
    const broker = createSqliteQueue({ file });
    await createQueueTransport({ broker }).send(request('queue:crash', 'evt_crash'));
    // The "crashed" consumer takes the message and never acks (it is gone).
    const taken = await broker.receive('crash', {
      consumer: 'dead-one',
      max: 1,
      visibilityMs: 300,
      maxDeliveries: 5,
      waitMs: 0,
    });
    expect(taken.map((d) => d.event.id)).toEqual(['evt_crash']);
    const other = createSqliteQueue({ file });
    const got: { id: string; deliveries: number; consumer: string }[] = [];
    const consumer = consumeQueue('crash', (e, info) => void got.push({ id: e.id, ...info }), {
      broker: other,
      consumer: 'survivor',
      visibilityMs: 300,
    });
    try {
      await waitFor(() => expect(got).toEqual([{ id: 'evt_crash', deliveries: 2, consumer: 'survivor' }]));
      // The late ack of the crashed consumer does not count any more.
      await waitFor(async () =>
        expect((await other.depth('crash')).inFlight + (await other.depth('crash')).ready).toBe(0),
      );
      expect(await broker.ack('crash', taken[0]!)).toBe(false);
    } finally {
      await consumer.close();
      await other.close();
      await broker.close();
    }
  });

  it('dead-letters a message after maxDeliveries without an ack', async () => {
    const broker = createSqliteQueue({ file: join(dir, 'dead.sqlite') });
    await createQueueTransport({ broker }).send(request('queue:poison', 'evt_poison'));
    await createQueueTransport({ broker }).send(request('queue:poison', 'evt_fine'));
    const tries: string[] = [];
    const consumer = consumeQueue(
      'poison',
      (e) => {
        tries.push(e.id);
        if (e.id === 'evt_poison') throw new Error('cannot handle this one');
      },
      { broker, visibilityMs: 50, maxDeliveries: 3, onError: () => {} },
    );
    try {
      await waitFor(async () =>
        expect((await broker.deadLetters('poison')).map((e) => e.id)).toEqual(['evt_poison']),
      );
      expect(tries.filter((id) => id === 'evt_poison')).toHaveLength(3);
      expect(tries.filter((id) => id === 'evt_fine')).toHaveLength(1);
    } finally {
      await consumer.close();
      await broker.close();
    }
  });
});

describe('topic: on the embedded aedes broker', () => {
  it('three subscribers each get every message', async () => {
    const port = await freePort();
    const transport = createTopicTransport({ embeddedPort: port, source: '/logistics' });
    const got = [new Set<string>(), new Set<string>(), new Set<string>()];
    const subs = await Promise.all(
      got.map((set) =>
        subscribeTopic('shipments/eu', (e: CloudEvent) => void set.add(e.id), { embeddedPort: port }),
      ),
    );
    try {
      for (let i = 0; i < 50; i++) {
        expect((await transport.send(request('topic:shipments/eu', `evt_t_${i}`))).ok).toBe(true);
      }
      await waitFor(() => expect(got.map((s) => s.size)).toEqual([50, 50, 50]));
    } finally {
      await Promise.all(subs.map((s) => s.close()));
      transport.close();
      await stopEmbeddedBroker(port);
    }
  });

  it('broker down: a failed attempt, not a publish parked in memory', async () => {
    const port = await freePort();
    const transport = createTopicTransport({ url: `mqtt://127.0.0.1:${port}`, timeoutMs: 500 });
    const result = await transport.send(request('topic:t'));
    expect(result).toMatchObject({ ok: false, failureKind: 'connection' });
    transport.close();
  });
});

describe('the dispatcher through the router', () => {
  it('queue: and topic: messages go through the outbox: attempt log, delivered, replay resends', async () => {
    const port = await freePort();
    const file = join(dir, 'router.sqlite');
    const transport = createTransportRouter({ queueFile: file, topicPort: port, source: '/test' });
    const db = new Database(':memory:');
    const store = createSqliteOutbox(db);
    const ssrfChecked: string[] = [];
    const dispatcher = createDispatcher({
      store,
      transport,
      ssrf: {
        check: async (url) => {
          ssrfChecked.push(url);
          return { ok: true, addresses: [] };
        },
      },
    });
    const topicIds: string[] = [];
    const sub = await subscribeTopic('audit', (e) => void topicIds.push(e.id), { embeddedPort: port });
    const queueIds: string[] = [];
    const consumer = consumeQueue('audit', (e) => void queueIds.push(e.id), {
      broker: createSqliteQueue({ file }),
    });
    await dispatcher.start();
    try {
      const [q, t] = db.transaction(
        () =>
          [
            store.enqueue(db, {
              endpointId: 'q',
              url: 'queue:audit',
              eventType: 'a.b',
              eventId: 'evt_rq',
              body: '{}',
            }),
            store.enqueue(db, {
              endpointId: 't',
              url: 'topic:audit',
              eventType: 'a.b',
              eventId: 'evt_rt',
              body: '{}',
            }),
          ] as const,
      )();
      await waitFor(async () => {
        expect((await store.getMessage(q.id))?.status).toBe('delivered');
        expect((await store.getMessage(t.id))?.status).toBe('delivered');
      });
      await waitFor(() => expect([queueIds, topicIds]).toEqual([['evt_rq'], ['evt_rt']]));
      expect(ssrfChecked).toEqual([]); // the SSRF guard is for http(s) only
      expect((await store.getMessage(q.id))!.attemptLog).toHaveLength(1);
      expect(await dispatcher.replay(q.id)).toBe(true);
      await waitFor(() => expect(queueIds).toEqual(['evt_rq', 'evt_rq']));
    } finally {
      await dispatcher.stop({ drainMs: 0 });
      await consumer.close();
      await sub.close();
      transport.close();
      await stopEmbeddedBroker(port);
    }
  });
});

describe('arrivals recorded for the console', () => {
  it('a consumed queue message and a topic message are exchanges of kind queue / topic, in the trace', async () => {
    const recorded: { kind: string; url: string; to: string; traceId?: string; status: number | null }[] = [];
    const recorder = { record: (e: (typeof recorded)[number]) => recorded.push(e) };
    const broker = createSqliteQueue({ file: join(dir, 'recorded.sqlite') });
    const port = await freePort();
    const topic = createTopicTransport({ embeddedPort: port, source: '/logistics' });
    const consumer = consumeQueue('audit', () => {}, { broker, consumer: 'warehouse-a', recorder });
    const sub = await subscribeTopic('audit', () => {}, {
      embeddedPort: port,
      recorder,
      name: 'subscriber-1',
    });
    try {
      await createQueueTransport({ broker, source: '/logistics' }).send(request('queue:audit', 'evt_rec_q'));
      await topic.send(request('topic:audit', 'evt_rec_t'));
      await waitFor(() => expect(recorded).toHaveLength(2));
      const traceId = TRACEPARENT.split('-')[1];
      expect(recorded).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            kind: 'queue',
            url: 'queue:audit',
            to: 'warehouse-a',
            traceId,
            status: 200,
          }),
          expect.objectContaining({
            kind: 'topic',
            url: 'topic:audit',
            to: 'subscriber-1',
            traceId,
            status: 200,
          }),
        ]),
      );
    } finally {
      await consumer.close();
      await sub.close();
      topic.close();
      await broker.close();
      await stopEmbeddedBroker(port);
    }
  });
});

describe('embedded broker restart (the topic loss policy, embedded side)', () => {
  it('the host goes away: the next publisher hosts the broker again, subscribers resubscribe', async () => {
    const port = await freePort();
    await ensureEmbeddedBroker(port);
    const ids: string[] = [];
    const sub = await subscribeTopic('restart', (e) => void ids.push(e.id), { embeddedPort: port });
    const transport = createTopicTransport({ embeddedPort: port, timeoutMs: 2000 });
    try {
      expect((await transport.send(request('topic:restart', 'evt_before'))).ok).toBe(true);
      await waitFor(() => expect(ids).toEqual(['evt_before']));
      await stopEmbeddedBroker(port); // the hosting process is gone, and the sessions it kept
      // The publisher finds no broker, hosts one, and gets its PUBACK: nothing lost on the sending side.
      expect((await transport.send(request('topic:restart', 'evt_rehosted'))).ok).toBe(true);
      // The subscriber reconnects and resubscribes; from then on it gets every message again.
      await waitFor(async () => {
        expect((await transport.send(request('topic:restart', `evt_after_${ids.length}`))).ok).toBe(true);
        expect(ids.some((id) => id.startsWith('evt_after_'))).toBe(true);
      });
    } finally {
      transport.close();
      await sub.close();
      await stopEmbeddedBroker(port);
    }
  });
});
