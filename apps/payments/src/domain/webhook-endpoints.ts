import { newId, randomBase62 } from '@hooklab/service';
import { isHttpTarget, parseCallbackTarget } from '@hooklab/webhooks';
import type { PaymentsContext } from '../context.ts';
import { EVENT_TYPES } from '../webhooks/out/events.ts';
import { nowSec } from './base.ts';
import { invalid, missing } from './errors.ts';
import { mergeMetadata } from './payment-intents.ts';
import type { StripeObject } from './store.ts';

export const ENDPOINT_TYPE = 'webhook_endpoint';

export interface WebhookEndpoint extends StripeObject {
  object: 'webhook_endpoint';
  url: string;
  enabled_events: string[];
  status: 'enabled' | 'disabled';
  description: string | null;
  metadata: Record<string, string>;
  secret?: string;
}

/** Checks an http(s) callback URL: private addresses go through the SSRF guard. */
export type UrlCheck = (url: string) => Promise<{ ok: true } | { ok: false; reason: string }>;

function checkEvents(events: string[]): string[] {
  if (events.length === 0)
    throw invalid(
      'You must specify at least one event type in enabled_events.',
      'enabled_events',
      'parameter_missing',
    );
  events.forEach((e, i) => {
    const known =
      e === '*' ||
      (EVENT_TYPES as readonly string[]).includes(e) ||
      (e.endsWith('.*') && EVENT_TYPES.some((t) => t.startsWith(e.slice(0, -1))));
    if (!known)
      throw invalid(
        `Invalid enabled_events[${i}]: must be one of ${EVENT_TYPES.join(', ')}, or *`,
        `enabled_events[${i}]`,
        'parameter_invalid',
      );
  });
  return [...new Set(events)];
}

/**
 * Checks `url` at registration. Besides http(s), a Hooklab extension (issue 12) takes `mailto:ADDRESS`,
 * `queue:NAME` and `topic:NAME` (Stripe's own API refuses anything but https). Their shape is the whole check:
 * they leave through the SMTP server and brokers this app is configured with, so no internal host is reached.
 */
export async function checkEndpointUrl(url: string, guard: UrlCheck): Promise<void> {
  if (!isHttpTarget(url)) {
    const target = parseCallbackTarget(url);
    if (!target.ok) throw invalid(`Invalid URL: ${target.reason}.`, 'url', 'url_invalid');
    return;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid(`Invalid URL: ${url}`, 'url', 'url_invalid');
  }
  if (parsed.username || parsed.password)
    throw invalid('Invalid URL: credentials are not allowed in the URL.', 'url', 'url_invalid');
  const verdict = await guard(url);
  if (!verdict.ok) throw invalid(`Invalid URL: ${verdict.reason}`, 'url', 'url_invalid');
}

function newSecret(d: PaymentsContext): string {
  return d.config.PAYMENTS_DEV_WEBHOOK_SECRET ?? `whsec_${randomBase62(32)}`;
}

/** The endpoint as the API shows it: never the secret (Stripe returns it only at creation). */
export function publicEndpoint(e: WebhookEndpoint): WebhookEndpoint {
  const { secret: _secret, ...rest } = e;
  return rest as WebhookEndpoint;
}

export function createEndpoint(
  d: PaymentsContext,
  accountId: string,
  p: {
    url: string;
    enabled_events: string[];
    description?: string;
    metadata?: Record<string, string>;
    api_version?: string;
  },
): WebhookEndpoint {
  const secret = newSecret(d);
  const ep: WebhookEndpoint = {
    id: newId('we'),
    object: 'webhook_endpoint',
    api_version: p.api_version ?? null,
    application: null,
    created: nowSec(d),
    description: p.description ?? null,
    enabled_events: checkEvents(p.enabled_events),
    livemode: false,
    metadata: p.metadata ?? {},
    status: 'enabled',
    url: p.url,
  };
  d.store.insert(accountId, ep, { internal: { secret } });
  return { ...ep, secret };
}

export function loadEndpoint(d: PaymentsContext, accountId: string, id: string): WebhookEndpoint {
  const ep = d.store.get<WebhookEndpoint>(accountId, id, ENDPOINT_TYPE);
  if (!ep) throw missing('webhook_endpoint', id);
  return ep;
}

export function updateEndpoint(
  d: PaymentsContext,
  accountId: string,
  id: string,
  p: {
    url?: string;
    enabled_events?: string[];
    description?: string;
    metadata?: Record<string, string>;
    disabled?: boolean;
  },
): WebhookEndpoint {
  const ep = loadEndpoint(d, accountId, id);
  const next: WebhookEndpoint = { ...ep };
  if (p.url !== undefined) next.url = p.url;
  if (p.enabled_events !== undefined) next.enabled_events = checkEvents(p.enabled_events);
  if (p.description !== undefined) next.description = p.description || null;
  if (p.metadata !== undefined) next.metadata = mergeMetadata(ep.metadata, p.metadata);
  if (p.disabled !== undefined) next.status = p.disabled ? 'disabled' : 'enabled';
  if (p.disabled === false && ep.status === 'disabled') {
    // Enabled again: forget why it was disabled (the dispatcher starts its health afresh too).
    const { disabledReason: _r, failingSince: _f, ...internal } = d.store.rowById(id)?.internal ?? {};
    return d.store.update(next, { internal });
  }
  return d.store.update(next);
}

/** Longest overlap a roll allows: a week, as most providers do. */
export const MAX_PREVIOUS_SECRET_SECONDS = 7 * 24 * 3600;

/**
 * Rolls the signing secret (what Stripe's dashboard calls "Roll secret"): a new secret signs from now on and,
 * for `previousSecretExpiresIn` seconds, the old one signs too (two `v1=` in Stripe-Signature), so the
 * receiver can switch without refusing a delivery. 0 ends the old secret at once (after a leak). Rolling
 * again during an overlap ends the older secret at once. The new secret is in the answer, and only there.
 */
export function rollEndpointSecret(
  d: PaymentsContext,
  accountId: string,
  id: string,
  previousSecretExpiresIn: number,
): WebhookEndpoint & { previous_secret_expires_at: number | null } {
  const ep = loadEndpoint(d, accountId, id);
  const internal = d.store.rowById(id)?.internal ?? {};
  const secret = `whsec_${randomBase62(32)}`;
  const expiresAt = previousSecretExpiresIn > 0 ? nowSec(d) + previousSecretExpiresIn : null;
  d.store.update(ep, {
    internal: {
      ...internal,
      secret,
      previousSecret: expiresAt === null ? null : internal.secret,
      previousSecretExpiresAt: expiresAt,
    },
  });
  return { ...publicEndpoint(ep), secret, previous_secret_expires_at: expiresAt };
}

/** The secrets that sign a delivery now: the current one, and the previous one during a roll's overlap. */
export function signingSecretsOf(internal: Record<string, unknown>, nowMs: number): string[] {
  const secrets = [String(internal.secret)];
  const until = internal.previousSecretExpiresAt;
  if (typeof internal.previousSecret === 'string' && typeof until === 'number' && until * 1000 > nowMs)
    secrets.push(internal.previousSecret);
  return secrets;
}

export function deleteEndpoint(d: PaymentsContext, accountId: string, id: string) {
  loadEndpoint(d, accountId, id);
  d.store.delete(id);
  return { id, object: 'webhook_endpoint', deleted: true };
}

/**
 * Called by the dispatcher once deliveries to the endpoint have failed for its whole health window with
 * no success (Stripe: days). Its undelivered messages are kept (`failed`) for a replay after re-enabling.
 */
export function disableFailingEndpoint(
  d: PaymentsContext,
  endpointId: string,
  failingSince?: number,
): boolean {
  const row = d.store.rowById(endpointId);
  if (!row || row.type !== ENDPOINT_TYPE || row.data.status !== 'enabled') return false;
  d.store.update(
    { ...(row.data as WebhookEndpoint), status: 'disabled' },
    { internal: { ...row.internal, disabledReason: 'failing', failingSince: failingSince ?? null } },
  );
  return true;
}
