// This worker's view of each endpoint's health, kept in step with the store's, and what happens when an
// endpoint is reported failing or gone: if the app disables it, its messages are set aside as failed.
import type { DispatcherSettings } from './dispatcher-settings.ts';
import type { DispatcherOptions } from './dispatcher-types.ts';
import type { GroupCommit } from './group-commit.ts';
import {
  type EndpointHealth,
  HEALTHY,
  healthVerdict,
  healthWorthSaving,
  mergeEndpointHealth,
  nextEndpointHealth,
} from './policy.ts';
import type { OutboxMessage } from './types.ts';

export interface EndpointHealthTracker {
  /** The endpoint was disabled while this worker held its messages: attempts in flight end `failed`. */
  isSetAside(endpointId: string): boolean;
  /** `resolveEndpoint` said it is enabled again. */
  enabledAgain(endpointId: string): void;
  /**
   * Counts one attempt's outcome; reports the endpoint once it has failed for its whole window. Returns a
   * promise only when there is something to wait for (a first failure's read, a report).
   */
  record(message: OutboxMessage, ok: boolean, now: number): Promise<void> | undefined;
  /** A 410 where the profile treats it as final. */
  gone(endpointId: string): Promise<void>;
}

export interface EndpointHealthDeps {
  settings: DispatcherSettings;
  options: Pick<DispatcherOptions, 'resolveEndpoint' | 'onEndpointFailing' | 'onEndpointGone'>;
  commit: GroupCommit;
  /** Messages moved to `failed` because their endpoint was disabled. */
  setAsideCount(count: number): void;
}

// `saved` is what this worker last wrote (written on a change of run, else at most every window/16).
interface HealthEntry {
  health: EndpointHealth;
  saved: EndpointHealth | null;
}

export function createEndpointHealthTracker({
  settings,
  options,
  commit,
  setAsideCount,
}: EndpointHealthDeps): EndpointHealthTracker {
  const { store, logger } = settings;
  const healthOf = new Map<string, HealthEntry | Promise<HealthEntry>>();
  const setAside = new Set<string>();

  /** On a first failure, what the store knows is merged in; a first success needs no read. */
  function entryOf(endpointId: string, load: boolean): HealthEntry | Promise<HealthEntry> {
    const known = healthOf.get(endpointId);
    if (known) return known;
    if (!load) {
      const fresh = { health: HEALTHY, saved: null };
      healthOf.set(endpointId, fresh);
      return fresh;
    }
    const entry = store.loadEndpointHealth([endpointId]).then(
      ([row]) => ({ health: row ? mergeEndpointHealth(HEALTHY, row) : HEALTHY, saved: row ?? null }),
      (error) => {
        logger?.warn({ err: error, endpointId }, 'endpoint health not loaded');
        return { health: HEALTHY, saved: null };
      },
    );
    const settled = entry.then((e) => {
      healthOf.set(endpointId, e);
      return e;
    });
    healthOf.set(endpointId, settled);
    return settled;
  }

  /** After telling the app: if it disabled the endpoint, its queued messages become failed, its health resets. */
  async function endpointDown(endpointId: string, tell: () => unknown) {
    try {
      await tell();
    } catch (error) {
      logger?.warn({ err: error, endpointId }, 'dispatcher callback threw');
    }
    if (!options.resolveEndpoint) return;
    try {
      const endpoint = await options.resolveEndpoint(endpointId);
      if (!endpoint || endpoint.enabled) return;
      setAside.add(endpointId);
      setAsideCount(await store.failPending(endpointId));
      healthOf.delete(endpointId);
      commit.forgetHealth(endpointId);
      await store.clearEndpointHealth(endpointId);
    } catch (error) {
      logger?.error({ err: error, endpointId }, "could not set aside a disabled endpoint's messages");
    }
  }

  /** `record` once the entry is known: synchronous unless the endpoint may have to be reported. */
  function count(entry: HealthEntry, message: OutboxMessage, ok: boolean, now: number) {
    const id = message.endpointId;
    const windowMs = settings.windowFor(message.profile);
    const quietMs = settings.quietFor(message.profile, windowMs);
    const { health, verdict } = nextEndpointHealth(entry.health, { ok, at: now }, windowMs, quietMs);
    const worthSaving = healthWorthSaving(entry.saved, health, { ok, at: now }, windowMs);
    entry.health = health;
    if (worthSaving) {
      entry.saved = health;
      commit.saveHealth({ endpointId: id, ...health });
    }
    if (verdict !== 'disable' || !options.onEndpointFailing) return undefined;
    return reportFailing(entry, id, now, windowMs);
  }

  async function reportFailing(entry: HealthEntry, id: string, now: number, windowMs: number) {
    // Another worker may have delivered to it meanwhile: judge on everything the store knows.
    const [stored] = await store.loadEndpointHealth([id]).catch(() => []);
    const merged = stored ? mergeEndpointHealth(entry.health, stored) : entry.health;
    entry.health = merged;
    if (healthVerdict(merged, now, windowMs) !== 'disable') return;
    await endpointDown(id, () => options.onEndpointFailing?.(id, merged));
  }

  return {
    isSetAside: (endpointId) => setAside.size > 0 && setAside.has(endpointId),

    enabledAgain(endpointId) {
      if (setAside.size > 0) setAside.delete(endpointId);
    },

    record(message, ok, now) {
      const entry = entryOf(message.endpointId, !ok);
      return entry instanceof Promise
        ? entry.then((known) => count(known, message, ok, now))
        : count(entry, message, ok, now);
    },

    gone: (endpointId) => endpointDown(endpointId, () => options.onEndpointGone?.(endpointId)),
  };
}
