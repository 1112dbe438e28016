// One attempt of one claimed message: ask where it goes now, check the address, send it signed, and
// hand the outcome (decided by the policy) to the group commit.
import { isHttpTarget } from '../transport/callback-target.ts';
import type { TransportResult } from '../transport/types.ts';
import type { DispatcherSettings } from './dispatcher-settings.ts';
import type { AttemptEvent, DispatcherOptions, DispatcherStats } from './dispatcher-types.ts';
import type { EndpointHealthTracker } from './endpoint-health.ts';
import type { GroupCommit } from './group-commit.ts';
import { type AttemptFacts, attemptOutcome, decideAttempt, refusedFacts, sentFacts } from './policy.ts';
import { type AttemptTarget, attemptHeaders, attemptTraceparent } from './request.ts';
import type { AttemptRecord, OutboxMessage } from './types.ts';

export type Counters = Omit<DispatcherStats, 'running' | 'inFlight'>;

export interface AttemptDeps {
  settings: DispatcherSettings;
  options: Pick<DispatcherOptions, 'resolveEndpoint' | 'ssrf' | 'onAttempt' | 'decideAttempt'>;
  health: EndpointHealthTracker;
  commit: GroupCommit;
  counters: Counters;
}

/** Returns `deliver(message)`: one attempt, its outcome queued for the next group commit. */
export function createAttemptRunner({ settings, options, health, commit, counters }: AttemptDeps) {
  const { clock, transport, timeoutMs, maxResponseBytes, workerId, logger } = settings;

  return async function deliver(message: OutboxMessage): Promise<void> {
    // Counted by the claim, before anything is sent (see OutboxMessage.attempts).
    const attemptNo = message.attempts;
    let target: AttemptTarget = {
      url: message.url,
      scheme: message.signing.scheme,
      secrets: message.signing.secrets,
    };
    if (options.resolveEndpoint) {
      const resolved = options.resolveEndpoint(message.endpointId);
      // A synchronous answer (the common case: a cache or a local table) costs no extra turn.
      const endpoint = resolved instanceof Promise ? await resolved : resolved;
      if (!endpoint?.enabled) {
        // Disabled: kept as failed, for a replay once it is enabled again. Deleted: nowhere to send.
        const status = endpoint ? 'failed' : 'canceled';
        counters[status]++;
        commit.add({ id: message.id, owner: workerId, attempt: null, status });
        return;
      }
      health.enabledAgain(message.endpointId);
      target = { url: endpoint.url, scheme: endpoint.scheme, secrets: endpoint.secrets };
    }

    const startedAt = clock.now();
    const traceparent = message.traceparent ? attemptTraceparent(message.traceparent) : null;
    // Sent here, not in a helper of its own: one async layer less per attempt (each is a promise, and the
    // kit's async hooks see every one). The SSRF guard is about HTTP connections; mailto:, queue: and
    // topic: go to brokers we configure. A verdict the guard already knew costs no extra turn.
    let verdict = options.ssrf && isHttpTarget(target.url) ? options.ssrf.check(target.url) : null;
    if (verdict instanceof Promise) verdict = await verdict;
    let result: TransportResult;
    let facts: AttemptFacts;
    if (verdict && !verdict.ok) {
      result = {
        ok: false,
        statusCode: null,
        failureKind: null,
        headers: {},
        excerpt: verdict.reason,
        durationMs: 0,
      };
      facts = refusedFacts(verdict.code);
    } else {
      result = await transport.send({
        url: target.url,
        headers: attemptHeaders(message, target, attemptNo, startedAt, traceparent),
        body: message.body,
        timeoutMs,
        maxResponseBytes,
        addresses: verdict?.ok ? verdict.addresses : undefined,
      });
      facts = sentFacts(result);
    }
    counters.attempts++;
    const now = clock.now();
    const decision = (options.decideAttempt ?? decideAttempt)(facts, {
      profile: message.profile,
      mode: settings.mode,
      attemptNo,
      cycleStart: message.cycleStart,
      now,
      maxRetryAfterMs: settings.maxRetryAfterMs,
      random: settings.random(),
    });
    const attempt: AttemptRecord = {
      messageId: message.id,
      attemptNo,
      startedAt,
      durationMs: result.durationMs,
      statusCode: result.statusCode,
      ok: result.ok,
      failureKind: decision.failureKind,
      responseExcerpt: result.excerpt,
      responseHeaders: result.headers,
    };
    // Health first: if this failure gets the endpoint disabled, the message is set aside, not retried.
    if (decision.endpointGone) await health.gone(message.endpointId);
    else if (!health.isSetAside(message.endpointId)) {
      const recorded = health.record(message, result.ok, now);
      if (recorded) await recorded;
    }

    const { outcome, nextAttemptAt } = attemptOutcome(decision, health.isSetAside(message.endpointId));
    const base = { id: message.id, owner: workerId, attempt };
    if (outcome === 'retry') commit.add({ ...base, status: 'pending', nextAttemptAt });
    else commit.add({ ...base, status: outcome });
    counters[outcome === 'retry' ? 'retried' : outcome]++;
    if (options.onAttempt) {
      const event: AttemptEvent = { message, attempt, outcome, nextAttemptAt, traceparent };
      try {
        options.onAttempt(event);
      } catch (error) {
        logger?.warn({ err: error }, 'dispatcher callback threw');
      }
    }
  };
}
