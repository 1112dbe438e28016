// One Transport for the dispatcher that picks the real one by the callback URL's scheme. Each is built
// on first use, so an app that only ever sends HTTP never opens an SMTP pool or a broker connection.
import { createHttpTransport, type HttpTransportOptions } from './http-transport.ts';
import { createMailTransport, DEFAULT_SMTP_URL } from './mail-transport.ts';
import { createQueueBroker, createQueueTransport } from './queue.ts';
import type { QueueBroker } from './queue-broker.ts';
import { createTopicTransport, DEFAULT_TOPIC_PORT } from './topic.ts';
import type { Transport, TransportRequest, TransportResult } from './types.ts';

export interface TransportSettings {
  /** CloudEvents `source` of queue and topic messages (the sending app), e.g. `/logistics`. */
  source?: string;
  http?: HttpTransportOptions;
  /** SMTP_URL; default smtp://localhost:2525 (the mailbox app). */
  smtpUrl?: string;
  smtpFrom?: string;
  /** REDIS_URL: queues on Redis Streams; unset: the embedded SQLite queue. */
  redisUrl?: string;
  /** QUEUE_DB: the embedded queue's file. */
  queueFile?: string;
  /** MQTT_URL: topics on this broker; unset: the embedded aedes broker on `topicPort`. */
  mqttUrl?: string;
  /** TOPIC_BROKER_PORT, default 1884. */
  topicPort?: number;
  timeoutMs?: number;
}

/** Reads SMTP_URL, SMTP_FROM, REDIS_URL, QUEUE_DB, MQTT_URL and TOPIC_BROKER_PORT. */
export function transportSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): TransportSettings {
  const port = Number(env.TOPIC_BROKER_PORT);
  return {
    smtpUrl: env.SMTP_URL || DEFAULT_SMTP_URL,
    smtpFrom: env.SMTP_FROM || undefined,
    redisUrl: env.REDIS_URL || undefined,
    queueFile: env.QUEUE_DB || undefined,
    mqttUrl: env.MQTT_URL || undefined,
    topicPort: Number.isInteger(port) && port > 0 ? port : DEFAULT_TOPIC_PORT,
  };
}

export interface TransportRouter extends Transport {
  /** The queue engine (built on first use), for consumers in the same process. */
  queueBroker(): QueueBroker;
}

/** A `Transport` for http(s):, mailto:, queue: and topic: URLs. */
export function createTransportRouter(settings: TransportSettings = {}): TransportRouter {
  let http: Transport | undefined;
  let mail: Transport | undefined;
  let queue: Transport | undefined;
  let topic: Transport | undefined;
  let broker: QueueBroker | undefined;
  const brokerOf = () => {
    broker ??= createQueueBroker({ redisUrl: settings.redisUrl, file: settings.queueFile });
    return broker;
  };
  const pick = (url: string): Transport | null => {
    const scheme = url.slice(0, url.indexOf(':')).toLowerCase();
    switch (scheme) {
      case 'http':
      case 'https':
        http ??= createHttpTransport({ timeoutMs: settings.timeoutMs, ...settings.http });
        return http;
      case 'mailto':
        mail ??= createMailTransport({
          smtpUrl: settings.smtpUrl,
          from: settings.smtpFrom,
          timeoutMs: settings.timeoutMs,
          service: settings.source?.replace(/^\//, '') || undefined,
        });
        return mail;
      case 'queue':
        queue ??= createQueueTransport({
          broker: brokerOf(),
          source: settings.source,
          timeoutMs: settings.timeoutMs,
        });
        return queue;
      case 'topic':
        topic ??= createTopicTransport({
          url: settings.mqttUrl,
          embeddedPort: settings.topicPort,
          source: settings.source,
          timeoutMs: settings.timeoutMs,
        });
        return topic;
      default:
        return null;
    }
  };
  return {
    send(request: TransportRequest): Promise<TransportResult> {
      const transport = pick(request.url);
      if (!transport) {
        return Promise.resolve({
          ok: false,
          statusCode: null,
          failureKind: 'connection',
          headers: {},
          excerpt: `unsupported scheme in ${request.url.slice(0, 40)}`,
          durationMs: 0,
        });
      }
      return transport.send(request);
    },
    queueBroker: brokerOf,
    close() {
      for (const t of [http, mail, queue, topic]) t?.close();
      void broker?.close();
    },
  };
}
