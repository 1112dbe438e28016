// social's X-like API, the part the notifier uses (copied from packages/scenarios/src/social-client.ts, as
// its README invites): webhooks and filtered-stream rules, with the app's bearer token.
import type { FetchLike, Logger } from '@hooklab/service';

export interface SocialWebhook {
  id: string;
  url: string;
  valid: boolean;
  created_at: string;
}
/** X's user object with its default fields. */
export interface SocialUser {
  id: string;
  name: string;
  username: string;
}
export interface SocialRule {
  id: string;
  value: string;
  tag?: string;
}

/** social's error, X's problem JSON: `{title, detail, type, status, code, errors?}`. */
export class SocialApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: { title?: string; detail?: string; code?: string; errors?: unknown[] },
  ) {
    super(`${status} ${problem.title ?? 'Error'}: ${problem.detail ?? ''}`);
    this.name = 'SocialApiError';
  }
}

export function createSocialClient(opts: { baseUrl: () => string; bearerToken: string; fetch: FetchLike }) {
  const call = async <T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> => {
    const res = await opts.fetch(`${opts.baseUrl().replace(/\/+$/, '')}${path}`, {
      method,
      ...(signal ? { signal } : {}),
      headers: {
        authorization: `Bearer ${opts.bearerToken}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await res.json().catch(() => ({}))) as T & SocialApiError['problem'];
    if (!res.ok) throw new SocialApiError(res.status, json);
    return json;
  };
  const rulesPath = '/2/tweets/search/stream/rules';
  return {
    /** social runs the CRC against `url` before answering: 400 `crc_validation_failed` if we did not pass. */
    registerWebhook: async (url: string) =>
      (await call<{ data: SocialWebhook }>('POST', '/2/webhooks', { url })).data,
    listWebhooks: async () => (await call<{ data: SocialWebhook[] }>('GET', '/2/webhooks')).data,
    revalidateWebhook: async (id: string) =>
      (await call<{ data: SocialWebhook }>('PUT', `/2/webhooks/${id}`)).data,
    addRules: async (add: { value: string; tag?: string }[]) =>
      (await call<{ data: SocialRule[] }>('POST', rulesPath, { add })).data,
    listRules: async () => (await call<{ data?: SocialRule[] }>('GET', rulesPath)).data ?? [],
    /** `GET /2/users/:id`: undefined when social says it has no such user (X answers that with 200 `errors`). */
    user: async (id: string, signal?: AbortSignal) =>
      (await call<{ data?: SocialUser }>('GET', `/2/users/${encodeURIComponent(id)}`, undefined, signal))
        .data,
  };
}

export type SocialClient = ReturnType<typeof createSocialClient>;

/**
 * Exactly one valid webhook for `url` and the rule `value`, made or kept: a webhook that failed a CRC while
 * we were down is re-validated (PUT), a rule we already have is not added twice.
 */
export async function ensureSocialWebhook(opts: {
  social: SocialClient;
  url: string;
  rule: string;
  logger?: Logger | undefined;
}): Promise<{ id: string; ruleId: string; created: boolean }> {
  const { social } = opts;
  let hook = (await social.listWebhooks()).find((h) => h.url === opts.url);
  const created = !hook;
  if (hook && !hook.valid) hook = await social.revalidateWebhook(hook.id);
  hook ??= await social.registerWebhook(opts.url);
  const rule =
    (await social.listRules()).find((r) => r.value === opts.rule) ??
    (await social.addRules([{ value: opts.rule, tag: 'notifier → #social' }]))[0];
  if (!rule) throw new Error('social added no rule');
  opts.logger?.debug({ webhook: hook.id, rule: rule.id }, 'social webhook and rule in place');
  return { id: hook.id, ruleId: rule.id, created };
}

/**
 * A post's author by id, asked of social once and then kept (a known user for `ttlMs`, an unknown id for a
 * tenth of it); concurrent asks share one call. A failure or a slow answer (`timeoutMs`) gives undefined and is
 * not kept: the message shows the id instead, and the next post asks again.
 */
export function cachedAuthors(
  social: Pick<SocialClient, 'user'>,
  opts: { ttlMs?: number; timeoutMs?: number; max?: number; now?: () => number; logger?: Logger } = {},
) {
  const ttlMs = opts.ttlMs ?? 10 * 60_000;
  const max = opts.max ?? 1000;
  const now = opts.now ?? Date.now;
  const kept = new Map<string, { user: SocialUser | undefined; until: number }>();
  const asking = new Map<string, Promise<SocialUser | undefined>>();
  const ask = async (id: string) => {
    try {
      const user = await social.user(id, AbortSignal.timeout(opts.timeoutMs ?? 1000));
      if (kept.size >= max) kept.delete(kept.keys().next().value!);
      kept.set(id, { user, until: now() + (user ? ttlMs : ttlMs / 10) });
      return user;
    } catch (err) {
      opts.logger?.warn({ author: id, err: (err as Error).message }, 'could not look up a post’s author');
      return undefined;
    } finally {
      asking.delete(id);
    }
  };
  return (id: string): Promise<SocialUser | undefined> => {
    const hit = kept.get(id);
    if (hit && hit.until > now()) return Promise.resolve(hit.user);
    let pending = asking.get(id);
    if (!pending) {
      pending = ask(id);
      asking.set(id, pending);
    }
    return pending;
  };
}
