// Start-up registration of an app's webhook endpoint with a provider (the shop and the notifier with
// payments, the notifier with the shop): idempotent, and retried in the background while the provider is down.
import type { Logger } from 'pino';
import { z } from 'zod';
import { sleep } from './sleep.ts';

/** The endpoint an app registered and whose signing secret it keeps (shown by the provider only at creation). */
export interface HeldEndpoint {
  id: string;
  url: string;
  secret: string;
}

export interface RegisteredEndpoint extends HeldEndpoint {
  /** False when the endpoint held from an earlier start was kept. */
  created: boolean;
}

/** Where an app keeps its held endpoint between starts, as JSON (a row of its settings table). */
export interface EndpointSlot {
  read(): string | undefined;
  write(json: string): void;
}

const heldSchema = z.object({ id: z.string(), url: z.string(), secret: z.string() });

/** The endpoint kept in `slot`; undefined when there is none or it cannot be read. */
export function heldEndpoint(slot: EndpointSlot): HeldEndpoint | undefined {
  const json = slot.read();
  if (json === undefined) return undefined;
  try {
    const held = heldSchema.safeParse(JSON.parse(json));
    return held.success ? held.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Exactly one endpoint for `url` whose secret we hold: the secret is shown only at creation, so an endpoint
 * for our URL whose secret we lost (or that `outdated` rejects) is deleted and made again.
 */
export async function ensureEndpoint<E extends { id: string; url: string }>(opts: {
  url: string;
  slot: EndpointSlot;
  /** Who is registered with, for the error when it answers a creation without a secret. */
  provider: string;
  list: () => Promise<E[]>;
  create: () => Promise<{ id: string; secret?: string | null }>;
  remove: (id: string) => Promise<unknown>;
  /** An endpoint we hold that the provider cannot update in place (missing events): made again. */
  outdated?: (e: E) => boolean;
  /** Brings an endpoint we hold and keep up to date (events, enabled) where the provider can. */
  refresh?: (e: E) => Promise<unknown>;
  logger?: Logger | undefined;
}): Promise<RegisteredEndpoint> {
  const ours = (await opts.list()).filter((e) => e.url === opts.url);
  const kept = heldEndpoint(opts.slot);
  const held = kept && kept.url === opts.url ? ours.find((e) => e.id === kept.id) : undefined;
  const keep = held && !opts.outdated?.(held) ? held : undefined;
  for (const e of ours) {
    if (e.id === keep?.id) continue;
    opts.logger?.info(
      { endpoint: e.id, url: opts.url },
      'deleting a webhook endpoint for our URL whose secret we do not hold',
    );
    await opts.remove(e.id);
  }
  if (keep && kept) {
    await opts.refresh?.(keep);
    return { ...kept, created: false };
  }
  const made = await opts.create();
  if (!made.secret) throw new Error(`${opts.provider} returned a webhook endpoint without its secret`);
  const value = { id: made.id, url: opts.url, secret: made.secret };
  opts.slot.write(JSON.stringify(value));
  return { ...value, created: true };
}

/**
 * The part of the Stripe SDK's `stripe.webhookEndpoints` that registration calls (the kit needs no stripe);
 * `Ev` is the SDK's event type union.
 */
export interface StripeWebhookEndpointsApi<Ev extends string = string> {
  list(params: { limit: number }): {
    autoPagingToArray(opts: {
      limit: number;
    }): Promise<{ id: string; url: string; enabled_events: string[]; status: string }[]>;
  };
  create(params: {
    url: string;
    enabled_events: Ev[];
    description: string;
  }): Promise<{ id: string; secret?: string | null }>;
  update(id: string, params: { disabled: boolean; enabled_events: Ev[] }): Promise<unknown>;
  del(id: string): Promise<unknown>;
}

/**
 * ensureEndpoint with a Stripe(-compatible) provider, i.e. payments: an endpoint we keep that is disabled or
 * misses one of `events` is updated in place.
 */
export function ensureStripeWebhookEndpoint<Ev extends string>(opts: {
  endpoints: StripeWebhookEndpointsApi<Ev>;
  url: string;
  events: Ev[];
  description: string;
  slot: EndpointSlot;
  logger?: Logger | undefined;
}): Promise<RegisteredEndpoint> {
  const { endpoints, url, events, description } = opts;
  return ensureEndpoint({
    url,
    slot: opts.slot,
    provider: 'payments',
    logger: opts.logger,
    list: () => endpoints.list({ limit: 100 }).autoPagingToArray({ limit: 1000 }),
    create: () => endpoints.create({ url, enabled_events: events, description }),
    remove: (id) => endpoints.del(id),
    refresh: async (e) => {
      const missing = events.filter((t) => !e.enabled_events.includes(t) && !e.enabled_events.includes('*'));
      if (e.status !== 'enabled' || missing.length)
        await endpoints.update(e.id, { disabled: false, enabled_events: events });
    },
  });
}

/**
 * Runs `attempt` until it succeeds, with capped exponential backoff, never blocking the caller.
 * Returns a stop function and a promise that says whether it got there.
 */
export function registerInBackground<T>(opts: {
  /** What is registered, for the retry log line ("the Stripe webhook endpoint with payments"). */
  what: string;
  attempt: () => Promise<T>;
  onRegistered: (r: T) => void;
  logger?: Logger | undefined;
  initialDelayMs?: number;
  maxDelayMs?: number;
}): { stop(): void; done: Promise<boolean> } {
  let stopped = false;
  const stopping = new AbortController();
  const done = (async () => {
    let delay = opts.initialDelayMs ?? 250;
    for (let n = 1; !stopped; n++) {
      try {
        const r = await opts.attempt();
        if (stopped) return false;
        opts.onRegistered(r);
        return true;
      } catch (err) {
        if (stopped) return false;
        opts.logger?.warn(
          { attempt: n, retryInMs: delay, err: err instanceof Error ? err.message : String(err) },
          `could not register ${opts.what} yet; retrying`,
        );
        await sleep(delay, stopping.signal).catch(() => undefined);
        delay = Math.min(delay * 2, opts.maxDelayMs ?? 30_000);
      }
    }
    return false;
  })();
  return {
    done,
    stop() {
      stopped = true;
      stopping.abort();
    },
  };
}
