// The dispatcher's options checked once and turned into settings with every default filled in.
import { randomBytes } from 'node:crypto';
import { createHttpTransport } from '../transport/http-transport.ts';
import type { Transport } from '../transport/types.ts';
import { systemClock } from './clock.ts';
import type { DispatcherOptions } from './dispatcher-types.ts';
import { OutboxInputError } from './errors.ts';
import { healthWindowFor, quietWindowMs } from './policy.ts';
import type { RetryMode } from './schedules.ts';
import type { Clock, Logger, OutboxStore, RetryProfile } from './types.ts';

export interface DispatcherSettings {
  store: OutboxStore;
  clock: Clock;
  logger: Logger | undefined;
  workerId: string;
  concurrency: number;
  perEndpoint: number;
  batchSize: number;
  prefetch: number;
  /** Claim again once fewer than this many claimed messages wait for a slot. */
  lowWater: number;
  timeoutMs: number;
  maxResponseBytes: number;
  mode: RetryMode;
  leaseMs: number;
  pollMs: number;
  maxRetryAfterMs: number;
  groupCommitSize: number;
  random: () => number;
  transport: Transport;
  /** The dispatcher made its transport, so it closes it on stop. */
  ownTransport: boolean;
  /** Health window and quiet span per profile (see `healthWindowFor`, `quietWindowMs`). */
  windowFor(profile: RetryProfile): number;
  quietFor(profile: RetryProfile, windowMs: number): number;
}

const POSITIVE_INTS = [
  'concurrency',
  'perEndpointConcurrency',
  'batchSize',
  'timeoutMs',
  'maxResponseBytes',
  'leaseMs',
  'pollMs',
  'maxRetryAfterMs',
  'groupCommitSize',
] as const;

function issuesOf(options: DispatcherOptions): string[] {
  const issues: string[] = [];
  if (!options.store || typeof options.store.claim !== 'function')
    issues.push('store: expected an OutboxStore');
  for (const name of POSITIVE_INTS) {
    const value = options[name];
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
      issues.push(`${name}: expected a positive integer`);
    }
  }
  if ('failingThreshold' in options) {
    issues.push('failingThreshold: removed; endpoint health is judged by time failing (healthWindowMs)');
  }
  const windows = options.healthWindowMs;
  if (
    windows !== undefined &&
    (typeof windows === 'number'
      ? !Number.isInteger(windows) || windows < 1
      : typeof windows !== 'object' ||
        windows === null ||
        Object.entries(windows).some(
          ([k, v]) =>
            !['stripe', 'slack', 'standard'].includes(k) || !Number.isInteger(v) || (v as number) < 1,
        ))
  ) {
    issues.push('healthWindowMs: expected a positive integer, or one per profile (stripe, slack, standard)');
  }
  const { prefetch } = options;
  if (
    prefetch !== undefined &&
    (!Number.isInteger(prefetch) || prefetch < 0 || prefetch > (options.concurrency ?? 64))
  ) {
    issues.push('prefetch: expected an integer from 0 to concurrency');
  }
  const schedule = options.retrySchedule;
  if (schedule !== undefined && schedule !== 'local' && schedule !== 'real') {
    issues.push("retrySchedule: expected 'local' or 'real'");
  }
  return issues;
}

/** Throws `OutboxInputError` listing every bad option; otherwise the settings with defaults applied. */
export function dispatcherSettings(options: DispatcherOptions): DispatcherSettings {
  if (!options || typeof options !== 'object')
    throw new OutboxInputError('createDispatcher', ['options: expected an object']);
  const issues = issuesOf(options);
  if (issues.length) throw new OutboxInputError('createDispatcher', issues);

  const concurrency = options.concurrency ?? 64;
  const batchSize = options.batchSize ?? concurrency;
  const prefetch = options.prefetch ?? Math.min(batchSize, concurrency);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxResponseBytes = options.maxResponseBytes ?? 4096;
  const mode = options.retrySchedule ?? 'local';
  const leaseMs = options.leaseMs ?? Math.max(30_000, timeoutMs * 3);
  if (leaseMs <= timeoutMs) {
    throw new OutboxInputError('createDispatcher', ['leaseMs: must be longer than timeoutMs']);
  }
  const maxRetryAfterMs = options.maxRetryAfterMs ?? (mode === 'real' ? 6 * 3600_000 : 60_000);
  const windows = options.healthWindowMs;
  return {
    store: options.store,
    clock: options.clock ?? systemClock,
    logger: options.logger,
    workerId: options.workerId ?? `wrk_${randomBytes(6).toString('hex')}`,
    concurrency,
    perEndpoint: options.perEndpointConcurrency ?? 16,
    batchSize,
    prefetch,
    lowWater: Math.max(1, Math.ceil(prefetch / 2)),
    timeoutMs,
    maxResponseBytes,
    mode,
    leaseMs,
    pollMs: options.pollMs ?? 1000,
    maxRetryAfterMs,
    groupCommitSize: options.groupCommitSize ?? 256,
    random: options.random ?? Math.random,
    ownTransport: !options.transport,
    transport:
      options.transport ??
      // Sockets per origin = total concurrency: several endpoints often share one origin (the per-endpoint
      // bound is the dispatcher's job), and a smaller pool would queue requests inside the agent.
      createHttpTransport({ timeoutMs, maxResponseBytes, maxSocketsPerOrigin: concurrency }),
    windowFor: (profile) => healthWindowFor(profile, mode, windows),
    quietFor: (profile, windowMs) => quietWindowMs(profile, mode, windowMs, maxRetryAfterMs),
  };
}
