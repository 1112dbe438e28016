// social's X-like API, the part the notifier uses (copied from packages/scenarios/src/social-client.ts, as
// its README invites): webhooks and filtered-stream rules, with the app's bearer token.
import type { FetchLike, Logger } from '@hooklab/service';

export interface SocialWebhook {
  id: string;
  url: string;
  valid: boolean;
  created_at: string;
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
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await opts.fetch(`${opts.baseUrl().replace(/\/+$/, '')}${path}`, {
      method,
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
