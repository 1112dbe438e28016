// The bench's peer: webhook delivery the way a Node team would build it on BullMQ + Redis. One job per
// delivery; the worker signs each attempt (Standard Webhooks, our own signer: what `standardwebhooks`
// computes), POSTs over a keep-alive node:http agent, and throws on anything but a 2xx, so the job
// completes only on a 2xx and otherwise goes back for a retry with backoff (at-least-once).
import http from 'node:http';
import { type BackoffOptions, type Job, Queue, Worker } from 'bullmq';
import { signStandard } from '../signing/index.ts';

export interface DeliveryJob {
  /** The bench's own sequence number, so latencies can be matched without a lookup. */
  seq: number;
  endpointId: string;
  url: string;
  eventId: string;
  eventType: string;
  body: string;
}

export interface BullmqPeerOptions {
  connection: { host: string; port: number };
  queueName: string;
  /** Endpoint secrets, looked up per attempt (as from a database), never stored in the job. */
  secretsOf: (endpointId: string) => readonly string[];
  /** Worker instances in this process; the total concurrency is split between them. */
  workers?: number;
  /** Jobs in flight at once, all workers together (our dispatcher's default is 64). */
  concurrency?: number;
  /** Attempts in all, first included (our `standard` profile makes 8). */
  attempts?: number;
  backoff?: BackoffOptions;
  /** Socket idle timeout per attempt. */
  timeoutMs?: number;
  /** Called after a 2xx, before BullMQ marks the job completed. */
  onDelivered?: (job: Job<DeliveryJob>) => void;
  onAttemptFailed?: (job: Job<DeliveryJob>, error: Error) => void;
  /** Worker-level errors (lost connection and the like); BullMQ reconnects by itself. Default: stderr. */
  onError?: (error: Error) => void;
}

export interface BullmqPeer {
  readonly queue: Queue<DeliveryJob>;
  /** Starts the workers and waits until their Redis connections are ready. */
  start(): Promise<void>;
  /** Jobs that completed (after a 2xx) since start. */
  completed(): number;
  /** Closes the workers (letting jobs in flight finish), the queue and the agent. */
  close(): Promise<void>;
}

export const BULLMQ_USER_AGENT = 'Hooklab-Bench-BullMQ/1.0';

/** Builds the queue (producer side) and, on `start`, the workers (consumer side) in this process. */
export function createBullmqPeer(options: BullmqPeerOptions): BullmqPeer {
  const workerCount = options.workers ?? 1;
  const concurrency = options.concurrency ?? 64;
  const timeoutMs = options.timeoutMs ?? 10_000;
  // BullMQ wants `maxRetriesPerRequest: null` on worker connections (blocking commands).
  const connection = { ...options.connection, maxRetriesPerRequest: null };
  const queue = new Queue<DeliveryJob>(options.queueName, {
    connection,
    defaultJobOptions: {
      attempts: options.attempts ?? 8,
      backoff: options.backoff ?? { type: 'exponential', delay: 1000, jitter: 0.2 },
      // Delivered jobs leave Redis at once; failed ones stay (the dead-letter list) up to a bound.
      removeOnComplete: true,
      removeOnFail: { count: 10_000 },
    },
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
  const workers: Worker<DeliveryJob>[] = [];
  let completed = 0;

  const post = (url: URL, headers: http.OutgoingHttpHeaders, body: string) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname + url.search,
          method: 'POST',
          agent,
          headers,
        },
        (res) => {
          res.resume();
          res.once('end', () => resolve(res.statusCode ?? 0));
          res.once('error', reject);
        },
      );
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.once('error', reject);
      req.end(body);
    });

  const deliver = async (job: Job<DeliveryJob>): Promise<void> => {
    const { data } = job;
    const headers = {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(data.body),
      'user-agent': BULLMQ_USER_AGENT,
      'x-hooklab-event-id': data.eventId,
      'x-hooklab-event-type': data.eventType,
      'x-hooklab-attempt': String(job.attemptsMade + 1),
      // Signed per attempt: a retry carries a fresh timestamp; the message id stays the job's.
      ...signStandard({
        id: `msg_${job.id}`,
        timestampSec: Math.floor(Date.now() / 1000),
        body: data.body,
        secrets: options.secretsOf(data.endpointId),
      }),
    };
    const status = await post(new URL(data.url), headers, data.body);
    if (status < 200 || status >= 300) throw new Error(`endpoint answered ${status}`);
    options.onDelivered?.(job);
  };

  return {
    queue,
    async start() {
      const per = Math.max(1, Math.floor(concurrency / workerCount));
      for (let w = 0; w < workerCount; w++) {
        const worker = new Worker<DeliveryJob>(options.queueName, deliver, {
          connection,
          concurrency: w === workerCount - 1 ? concurrency - per * (workerCount - 1) : per,
        });
        worker.on('completed', () => {
          completed++;
        });
        worker.on('failed', (job, error) => {
          if (job) options.onAttemptFailed?.(job, error);
        });
        worker.on('error', options.onError ?? ((error) => console.error(`bullmq worker: ${error.message}`)));
        workers.push(worker);
      }
      await Promise.all([queue.waitUntilReady(), ...workers.map((w) => w.waitUntilReady())]);
    },
    completed: () => completed,
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await queue.close();
      agent.destroy();
    },
  };
}
