// The hub's form parameters (WebSub §5.1, §7), checked before anything is stored. Pure: no HTTP, no db.
import { HUB_ALGORITHMS, type HubAlgorithm } from '@hooklab/webhooks';
import type { HubConfig } from '../config.ts';

export type SubscriptionRequest = {
  mode: 'subscribe' | 'unsubscribe';
  callback: string;
  topic: string;
  /** Already clamped to the hub's bounds. */
  leaseSeconds: number;
  secret: string | null;
  algorithm: HubAlgorithm;
};

export type PublishRequest = { mode: 'publish'; topics: string[] };

export type HubRequest = SubscriptionRequest | PublishRequest;

export type Parsed = { ok: true; request: HubRequest } | { ok: false; reason: string };

const MAX_URL_LENGTH = 2048;
const MAX_PUBLISH_TOPICS = 100;

function single(form: URLSearchParams, name: string): { value: string | null } | { reason: string } {
  const values = form.getAll(name);
  if (values.length > 1 && values.some((v) => v !== values[0]))
    return { reason: `${name} was given more than once with different values` };
  return { value: values[0] ?? null };
}

/**
 * An absolute http(s) URL without credentials, as the hub stores it (query kept, fragment dropped); `why` ends
 * the reason given for another scheme.
 */
export function httpUrl(name: string, raw: string, why?: string): { url: string } | { reason: string } {
  if (raw.length > MAX_URL_LENGTH) return { reason: `${name} is longer than ${MAX_URL_LENGTH} characters` };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { reason: `${name} is not an absolute URL` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { reason: `${name} must be an http or https URL${why ? `: ${why}` : ''}` };
  if (url.username || url.password) return { reason: `${name} must not carry credentials` };
  url.hash = '';
  return { url: url.href };
}

/** Whether the hub serves this topic (HUB_TOPIC_ORIGINS); a subscription to any other gets a denial. */
export function topicAllowed(config: HubConfig, topic: string): boolean {
  return config.topicOrigins === null || config.topicOrigins.includes(new URL(topic).origin);
}

/** The lease the hub grants: the request's (or the default), clamped to [min, max]. */
export function clampLease(config: HubConfig, requested: number | null): number {
  const wanted = requested ?? config.HUB_LEASE_DEFAULT_SECONDS;
  return Math.min(config.leaseMaxSeconds, Math.max(config.leaseMinSeconds, wanted));
}

// A mailbox, queue or topic cannot echo hub.challenge (docs/architecture.md, "Non-HTTP callback targets").
const CALLBACK_WHY =
  'mailto:, queue: and topic: targets are not possible here: WebSub verifies intent with a GET to the callback, ' +
  'which must echo hub.challenge';

/** Parses a hub request; unknown parameters are ignored, every problem is a plain-text reason. */
export function parseHubRequest(form: URLSearchParams, config: HubConfig): Parsed {
  const mode = single(form, 'hub.mode');
  if ('reason' in mode) return { ok: false, reason: mode.reason };
  if (!mode.value) return { ok: false, reason: 'hub.mode is required' };
  if (mode.value === 'publish') return parsePublish(form);
  if (mode.value !== 'subscribe' && mode.value !== 'unsubscribe')
    return { ok: false, reason: 'hub.mode must be subscribe, unsubscribe or publish' };

  const names = [
    'hub.callback',
    'hub.topic',
    'hub.lease_seconds',
    'hub.secret',
    'hub.signature_algorithm',
  ] as const;
  const fields = {} as Record<(typeof names)[number], string | null>;
  for (const name of names) {
    const v = single(form, name);
    if ('reason' in v) return { ok: false, reason: v.reason };
    fields[name] = v.value;
  }
  if (!fields['hub.callback']) return { ok: false, reason: 'hub.callback is required' };
  if (!fields['hub.topic']) return { ok: false, reason: 'hub.topic is required' };
  const callback = httpUrl('hub.callback', fields['hub.callback'], CALLBACK_WHY);
  if ('reason' in callback) return { ok: false, reason: callback.reason };
  const topic = httpUrl('hub.topic', fields['hub.topic']);
  if ('reason' in topic) return { ok: false, reason: topic.reason };

  let lease: number | null = null;
  const rawLease = fields['hub.lease_seconds'];
  if (rawLease !== null && rawLease !== '') {
    if (!/^\d{1,10}$/.test(rawLease))
      return { ok: false, reason: 'hub.lease_seconds must be a whole number of seconds' };
    lease = Number(rawLease);
  }

  const secret = fields['hub.secret'];
  if (secret !== null) {
    if (secret === '')
      return { ok: false, reason: 'hub.secret must not be empty (leave it out for unsigned content)' };
    if (Buffer.byteLength(secret, 'utf8') >= 200)
      return { ok: false, reason: 'hub.secret must be less than 200 bytes' };
  }

  const algorithm = fields['hub.signature_algorithm'] ?? config.HUB_SIGNATURE_ALGORITHM;
  if (!(HUB_ALGORITHMS as readonly string[]).includes(algorithm))
    return { ok: false, reason: `hub.signature_algorithm must be one of ${HUB_ALGORITHMS.join(', ')}` };

  return {
    ok: true,
    request: {
      mode: mode.value,
      callback: callback.url,
      topic: topic.url,
      leaseSeconds: clampLease(config, lease),
      secret: secret || null,
      algorithm: algorithm as HubAlgorithm,
    },
  };
}

function parsePublish(form: URLSearchParams): Parsed {
  const raw = [...form.getAll('hub.url'), ...form.getAll('hub.topic')].filter((v) => v !== '');
  if (raw.length === 0) return { ok: false, reason: 'hub.url or hub.topic is required to publish' };
  if (raw.length > MAX_PUBLISH_TOPICS)
    return { ok: false, reason: `at most ${MAX_PUBLISH_TOPICS} topics per publish request` };
  const topics = new Set<string>();
  for (const value of raw) {
    const url = httpUrl('hub.url', value);
    if ('reason' in url) return { ok: false, reason: url.reason };
    topics.add(url.url);
  }
  return { ok: true, request: { mode: 'publish', topics: [...topics] } };
}
