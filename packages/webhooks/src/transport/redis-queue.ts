// The real queue engine: Redis Streams with one consumer group per queue. XADD publishes, XREADGROUP
// hands each entry to one consumer, XACK (+ XDEL) takes it off, XAUTOCLAIM redelivers entries idle past
// the visibility timeout, and an entry delivered `maxDeliveries` times moves to `<stream>:dead`.
import type { Redis } from 'ioredis';
import type { CloudEvent } from './cloud-event.ts';
import type { QueueBroker, QueueDelivery, ReceiveOptions } from './queue-broker.ts';

export interface RedisQueueOptions {
  /** `redis://host:port/db`; REDIS_URL. */
  url: string;
  /** Key prefix of the streams; default `hooklab:queue:`. */
  prefix?: string;
}

const GROUP = 'consumers';
// An ack counts only while this consumer still holds the entry (not after XAUTOCLAIM gave it to another).
const ACK_IF_OWNER = `
local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
if #p == 0 or p[1][2] ~= ARGV[3] then return 0 end
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
return 1`;

type Entry = [id: string, fields: string[]];

const eventOf = (fields: string[]): CloudEvent => {
  const i = fields.indexOf('event');
  return JSON.parse(fields[i + 1] ?? 'null') as CloudEvent;
};

export function createRedisQueue(options: RedisQueueOptions): QueueBroker {
  const prefix = options.prefix ?? 'hooklab:queue:';
  // ioredis is loaded on first use (an app without queues does not pay for it). Commands fail fast while
  // Redis is down (the outbox retries) instead of queueing in the client; errors surface on the commands,
  // so the clients' own reconnect events would only be "unhandled error" noise.
  const load = import('ioredis').then((m) => m.Redis);
  load.catch(() => {});
  let main: Promise<Redis> | null = null;
  const blocking = new Map<string, Promise<Redis>>();
  const groups = new Set<string>();
  let connecting: Promise<void> | null = null;

  const ready = async (): Promise<Redis> => {
    main ??= load.then((R) => {
      const r = new R(options.url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
      r.on('error', () => {});
      return r;
    });
    const redis = await main;
    if (redis.status === 'ready') return redis;
    if (redis.status === 'wait' || redis.status === 'end') {
      connecting ??= redis.connect().finally(() => {
        connecting = null;
      });
    }
    if (connecting) await connecting;
    else
      await new Promise<void>((res, rej) => {
        const t = setTimeout(() => rej(new Error(`redis not ready (${redis.status})`)), 2000);
        redis.once('ready', () => {
          clearTimeout(t);
          res();
        });
      });
    return redis;
  };
  const key = (queue: string) => `${prefix}${queue}`;
  const ensureGroup = async (redis: Redis, queue: string) => {
    if (groups.has(queue)) return;
    try {
      // From 0: a group created after the first publish still sees every entry.
      await redis.xgroup('CREATE', key(queue), GROUP, '0', 'MKSTREAM');
    } catch (error) {
      if (!String(error).includes('BUSYGROUP')) throw error;
    }
    groups.add(queue);
  };
  const blockingClient = (consumer: string) => {
    let client = blocking.get(consumer);
    if (!client) {
      client = load.then((R) => {
        const r = new R(options.url, { maxRetriesPerRequest: 1 });
        r.on('error', () => {});
        return r;
      });
      blocking.set(consumer, client);
    }
    return client;
  };

  return {
    kind: 'redis',

    async publish(queue, event) {
      const redis = await ready();
      await ensureGroup(redis, queue);
      await redis.xadd(key(queue), '*', 'event', JSON.stringify(event));
    },

    async receive(queue, o: ReceiveOptions) {
      const redis = await ready();
      await ensureGroup(redis, queue);
      const k = key(queue);
      const out: QueueDelivery[] = [];
      // Redelivery first: entries another (crashed, slow) consumer has held longer than visibilityMs.
      const [, claimed] = (await redis.xautoclaim(
        k,
        GROUP,
        o.consumer,
        o.visibilityMs,
        '0-0',
        'COUNT',
        o.max,
      )) as [string, Entry[]];
      const live = claimed.filter((e) => e?.[1]);
      if (live.length > 0) {
        const pipe = redis.pipeline();
        for (const [id] of live) pipe.xpending(k, GROUP, id, id, 1);
        const counts = (await pipe.exec()) ?? [];
        for (let i = 0; i < live.length; i++) {
          const [id, fields] = live[i]!;
          const info = counts[i]?.[1] as [string, string, number, number][] | undefined;
          const deliveries = Number(info?.[0]?.[3] ?? 1);
          if (deliveries > o.maxDeliveries) {
            await redis
              .multi()
              .xadd(
                `${k}:dead`,
                '*',
                'event',
                fields[fields.indexOf('event') + 1]!,
                'deliveries',
                String(deliveries - 1),
              )
              .xack(k, GROUP, id)
              .xdel(k, id)
              .exec();
            continue;
          }
          out.push({ entryId: id, event: eventOf(fields), deliveries, consumer: o.consumer });
        }
        if (out.length > 0) return out;
      }
      if (o.signal?.aborted) return out;
      const client = await blockingClient(o.consumer);
      const block = Math.max(1, Math.min(o.waitMs, o.visibilityMs));
      const res = (await client.xreadgroup(
        'GROUP',
        GROUP,
        o.consumer,
        'COUNT',
        o.max,
        'BLOCK',
        block,
        'STREAMS',
        k,
        '>',
      )) as [string, Entry[]][] | null;
      for (const [id, fields] of res?.[0]?.[1] ?? []) {
        out.push({ entryId: id, event: eventOf(fields), deliveries: 1, consumer: o.consumer });
      }
      return out;
    },

    async ack(queue, d) {
      const redis = await ready();
      return (await redis.eval(ACK_IF_OWNER, 1, key(queue), GROUP, d.entryId, d.consumer)) === 1;
    },

    async deadLetters(queue, limit = 100) {
      const redis = await ready();
      const entries = (await redis.xrange(`${key(queue)}:dead`, '-', '+', 'COUNT', limit)) as Entry[];
      return entries.map(([, fields]) => eventOf(fields));
    },

    async depth(queue) {
      const redis = await ready();
      await ensureGroup(redis, queue);
      const k = key(queue);
      const info = (await redis.xinfo('GROUPS', k)) as unknown[][];
      const group = info
        .map((g) => {
          const o: Record<string, unknown> = {};
          for (let i = 0; i < g.length; i += 2) o[String(g[i])] = g[i + 1];
          return o;
        })
        .find((g) => g.name === GROUP);
      const dead = await redis.xlen(`${k}:dead`);
      return { ready: Number(group?.lag ?? 0), inFlight: Number(group?.pending ?? 0), dead };
    },

    async close() {
      const clients = [...blocking.values(), ...(main ? [main] : [])];
      blocking.clear();
      main = null;
      for (const client of await Promise.allSettled(clients)) {
        if (client.status === 'fulfilled') client.value.disconnect();
      }
    },
  };
}
