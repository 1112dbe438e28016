// topic:NAME targets over MQTT: every subscriber gets every message. MQTT_URL points at a real broker
// (mosquitto); without it the first process that needs a broker hosts an in-process aedes on a local
// port and every other process connects to it, so publisher and subscriber code are the same either way.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Aedes } from 'aedes';
import type { MqttClient } from 'mqtt';
import { connectionFailure, startAttempt, withinDeadline } from './attempt.ts';
import { parseCallbackTarget } from './callback-target.ts';
import { type CloudEvent, cloudEventOf, parseCloudEvent } from './cloud-event.ts';
import { INJECTED_BROKER_DOWN, onTransportFault, refusePublish, transportFault } from './faults.ts';
import type { ArrivalRecorder } from './record.ts';
import { recordArrival } from './record.ts';
import type { Transport, TransportRequest, TransportResult } from './types.ts';

export const DEFAULT_TOPIC_PORT = 1884;
/** Our topics live under one MQTT prefix, so a shared broker can carry other traffic too. */
export const mqttTopicOf = (name: string) => `hooklab/${name}`;

interface Hosted {
  server: Server;
  broker: Aedes;
}
const hosted = new Map<number, Hosted>();

// "Broker down" (injected): this process stops hosting. On "back up" it hosts again what it hosted (and
// what its subscribers need), and holds its own publishes until its subscribers are back and subscribed:
// a clean-session subscriber misses what is published before it resubscribes.
const downPorts = new Set<number>();
interface LiveSubscriber {
  embeddedPort: number | null;
  ready(): boolean;
}
const liveSubscribers = new Set<LiveSubscriber>();
let restoring: Promise<void> | null = null;
const SUBSCRIBERS_BACK_WITHIN_MS = 3000;

onTransportFault((state, previous) => {
  if (state.brokerDown && !previous.brokerDown) {
    for (const port of hosted.keys()) downPorts.add(port);
    return Promise.all([...downPorts].map((port) => stopEmbeddedBroker(port))).then(() => {});
  }
  if (state.brokerDown || !previous.brokerDown) return;
  const ports = new Set(downPorts);
  for (const s of liveSubscribers) if (s.embeddedPort !== null) ports.add(s.embeddedPort);
  downPorts.clear();
  const back = (async () => {
    for (const port of ports) await ensureEmbeddedBroker(port).catch(() => {});
    const deadline = Date.now() + SUBSCRIBERS_BACK_WITHIN_MS;
    while ([...liveSubscribers].some((s) => !s.ready()) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
  })().finally(() => {
    if (restoring === back) restoring = null;
  });
  restoring = back;
  return back;
});

/**
 * The embedded broker's URL: hosts aedes on 127.0.0.1:`port` unless a process already does (then
 * connects to it). Sessions live in this process's memory (see the README's loss policy).
 */
export async function ensureEmbeddedBroker(port = DEFAULT_TOPIC_PORT): Promise<string> {
  const url = `mqtt://127.0.0.1:${port}`;
  if (transportFault().brokerDown) throw new Error(INJECTED_BROKER_DOWN);
  if (hosted.has(port)) return url;
  // Loaded on first use: an app that never sends to a topic does not pay for the broker and client.
  const { Aedes } = await import('aedes');
  const broker = await Aedes.createBroker();
  const server = createServer(broker.handle);
  const listening = await new Promise<boolean>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EADDRINUSE' ? resolve(false) : reject(error),
    );
    server.listen(port, '127.0.0.1', () => resolve(true));
  });
  if (!listening) {
    broker.close();
    return url; // another process hosts it
  }
  server.unref();
  hosted.set(port, { server, broker });
  return url;
}

/** Stops the broker this process hosts on `port` (tests: a broker restart). */
export async function stopEmbeddedBroker(port = DEFAULT_TOPIC_PORT): Promise<void> {
  const h = hosted.get(port);
  if (!h) return;
  hosted.delete(port);
  await new Promise<void>((resolve) => h.broker.close(() => resolve()));
  await new Promise<void>((resolve) => h.server.close(() => resolve()));
}

export interface TopicOptions {
  /** A real broker (MQTT_URL); default: the embedded one on `embeddedPort`. */
  url?: string;
  embeddedPort?: number;
}

const brokerUrl = (o: TopicOptions) =>
  o.url ? Promise.resolve(o.url) : ensureEmbeddedBroker(o.embeddedPort);

export interface TopicTransportOptions extends TopicOptions {
  /** CloudEvents `source`; default `hooklab`. */
  source?: string;
  timeoutMs?: number;
}

/** A `Transport` for `topic:` targets: QoS 1, delivered once the broker acknowledged it (PUBACK). */
export function createTopicTransport(options: TopicTransportOptions = {}): Transport {
  const source = options.source ?? 'hooklab';
  const timeoutMs = options.timeoutMs ?? 10_000;
  let client: Promise<MqttClient> | null = null;
  const connect = () => {
    client ??= Promise.all([brokerUrl(options), import('mqtt')]).then(([url, mqtt]) =>
      mqtt.connect(url, {
        clientId: `hooklab-pub-${randomBytes(6).toString('hex')}`,
        protocolVersion: 4,
        clean: true,
        reconnectPeriod: 500,
        connectTimeout: timeoutMs,
      }),
    );
    return client;
  };
  // One wait shared by every attempt that finds the client disconnected (not a listener per attempt).
  let waiting: Promise<boolean> | null = null;
  const waitConnected = (c: MqttClient, ms: number): Promise<boolean> => {
    if (c.connected) return Promise.resolve(true);
    waiting ??= new Promise<boolean>((resolve) => {
      const ok = () => {
        clearTimeout(t);
        resolve(true);
      };
      const t = setTimeout(() => {
        c.off('connect', ok);
        resolve(false);
      }, ms);
      c.once('connect', ok);
    }).finally(() => {
      waiting = null;
    });
    return waiting;
  };

  async function send(request: TransportRequest): Promise<TransportResult> {
    const done = startAttempt();
    const parsed = parseCallbackTarget(request.url);
    if (!parsed.ok || parsed.target.kind !== 'topic') return done(connectionFailure('not a topic: target'));
    const deadline = request.timeoutMs ?? timeoutMs;
    if (transportFault().brokerDown) return done(connectionFailure(refusePublish()));
    if (restoring) await restoring;
    try {
      const c = await connect();
      // Embedded: the process that hosted the broker may be gone; the first one that needs it hosts it again.
      if (!c.connected && !options.url) await ensureEmbeddedBroker(options.embeddedPort);
      // A broker that is down is a failed attempt (retried by the outbox), not a publish queued in memory.
      if (!(await waitConnected(c, Math.min(deadline, 2000))))
        return done(connectionFailure('MQTT broker unreachable'));
      const event = cloudEventOf(request, source);
      const acked = c.publishAsync(mqttTopicOf(parsed.target.name), JSON.stringify(event), { qos: 1 });
      if ((await withinDeadline(acked, deadline)) === 'timeout') {
        return done({
          ok: false,
          statusCode: null,
          failureKind: 'timeout',
          excerpt: `no PUBACK within ${deadline} ms`,
        });
      }
      return done({ ok: true, statusCode: null, failureKind: null, excerpt: 'PUBACK' });
    } catch (error) {
      return done(connectionFailure((error as Error).message));
    }
  }

  return {
    send,
    close() {
      void client?.then((c) => c.end(true));
      client = null;
    },
  };
}

export interface SubscribeTopicOptions extends TopicOptions {
  /**
   * A stable id makes a persistent session (clean: false): messages published while this subscriber is
   * away are kept by the broker and delivered on reconnect. Default: a random id (clean session).
   */
  clientId?: string;
  /** Each arrival is recorded as an exchange of kind `topic` (the console draws it). */
  recorder?: ArrivalRecorder;
  /** The recorder's name for this subscriber (the arrow's head); default the client id. */
  name?: string;
}

export interface TopicSubscription {
  readonly clientId: string;
  /** Leaves the session on the broker (a persistent one keeps collecting messages). */
  close(): Promise<void>;
}

/**
 * Subscribes to `topic:NAME` (QoS 1). The broker gets its PUBACK only after `handler` has returned,
 * so a subscriber that crashes mid-message gets it again on reconnect (persistent sessions).
 */
export async function subscribeTopic(
  name: string,
  handler: (event: CloudEvent) => unknown,
  options: SubscribeTopicOptions = {},
): Promise<TopicSubscription> {
  const parsed = parseCallbackTarget(`topic:${name}`);
  if (!parsed.ok) throw new TypeError(parsed.reason);
  if (transportFault().brokerDown) throw new Error(INJECTED_BROKER_DOWN);
  const url = await brokerUrl(options);
  const persistent = options.clientId !== undefined;
  const clientId = options.clientId ?? `hooklab-sub-${randomBytes(6).toString('hex')}`;
  const mqtt = await import('mqtt');
  const client = mqtt.connect(url, {
    clientId,
    protocolVersion: 4,
    clean: !persistent,
    reconnectPeriod: 300,
    resubscribe: true,
  });
  client.handleMessage = (packet, done) => {
    const started = performance.now();
    const event = parseCloudEvent(packet.payload as Buffer);
    if (!event) return done();
    Promise.resolve()
      .then(() => handler(event))
      .then(
        () => {
          recordArrival(options.recorder, 'topic', `topic:${name}`, event, options.name ?? clientId, started);
          done();
        },
        (error: unknown) => {
          recordArrival(
            options.recorder,
            'topic',
            `topic:${name}`,
            event,
            options.name ?? clientId,
            started,
            error,
          );
          done();
        },
      );
  };
  // Subscribed: a SUBACK since the last (re)connect, or a session the broker kept.
  let subscribed = false;
  client.on('connect', (connack) => {
    subscribed = connack.sessionPresent; // the broker kept the session, subscriptions included
  });
  client.on('close', () => {
    subscribed = false;
  });
  client.on('packetreceive', (packet) => {
    if (packet.cmd === 'suback') subscribed = true;
  });
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`MQTT broker ${url} unreachable`)), 10_000);
    client.once('connect', () => {
      clearTimeout(t);
      resolve();
    });
  });
  await client.subscribeAsync(mqttTopicOf(name), { qos: 1 });
  const live: LiveSubscriber = {
    embeddedPort: options.url ? null : (options.embeddedPort ?? DEFAULT_TOPIC_PORT),
    ready: () => client.connected && subscribed,
  };
  liveSubscribers.add(live);
  return {
    clientId,
    close: () => {
      liveSubscribers.delete(live);
      return client.endAsync(true);
    },
  };
}
