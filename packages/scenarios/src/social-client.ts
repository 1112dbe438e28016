// A tiny typed client of social's X-like API (apps/social/README.md), made to be copied: it needs only
// `fetch` and, for the receiving side, @hooklab/webhooks' X helpers (CRC answer, signature check).
import { createXCrcResponse, verifyX } from '@hooklab/webhooks';

type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface SocialPost {
  id: string;
  text: string;
  author_id: string;
  created_at: string;
  edit_history_tweet_ids: string[];
}
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
/** What a webhook receives for each post that matched one of its app's rules. */
export interface SocialDelivery {
  data: SocialPost;
  matching_rules: { id: string; tag?: string }[];
}
export interface SearchPage {
  data?: SocialPost[];
  meta: { result_count: number; newest_id?: string; oldest_id?: string; next_token?: string };
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

/**
 * The app side (bearer token: webhooks, rules, search) and the user side (a user token: posting).
 * `baseUrl` is social's URL, e.g. http://localhost:3006.
 */
export function socialClient(opts: { baseUrl: string; bearerToken: string; fetch?: Fetch }) {
  const doFetch = opts.fetch ?? globalThis.fetch;
  const call = async <T>(
    method: string,
    path: string,
    body?: unknown,
    token = opts.bearerToken,
  ): Promise<T> => {
    const res = await doFetch(`${opts.baseUrl.replace(/\/+$/, '')}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
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
    /** Registers a webhook; social runs the CRC at once and answers 400 (SocialApiError) if it fails. */
    registerWebhook: async (url: string) =>
      (await call<{ data: SocialWebhook }>('POST', '/2/webhooks', { url })).data,
    listWebhooks: async () => (await call<{ data: SocialWebhook[] }>('GET', '/2/webhooks')).data,
    /** Re-runs the CRC (after a receiver outage): valid again when it passes. */
    revalidateWebhook: async (id: string) =>
      (await call<{ data: SocialWebhook }>('PUT', `/2/webhooks/${id}`)).data,
    deleteWebhook: (id: string) => call<{ data: { deleted: boolean } }>('DELETE', `/2/webhooks/${id}`),
    addRules: async (add: { value: string; tag?: string }[]) =>
      (await call<{ data: SocialRule[] }>('POST', rulesPath, { add })).data,
    listRules: async () => (await call<{ data?: SocialRule[] }>('GET', rulesPath)).data ?? [],
    deleteRules: (ids: string[]) =>
      call<{ meta: { summary: { deleted: number } } }>('POST', rulesPath, { delete: { ids } }),
    /** X's recent search; pass the last `meta.newest_id` as `sinceId` to get only what is new. */
    searchRecent: (q: { query: string; sinceId?: string; maxResults?: number }) => {
      const qs = new URLSearchParams({ query: q.query });
      if (q.sinceId) qs.set('since_id', q.sinceId);
      if (q.maxResults) qs.set('max_results', String(q.maxResults));
      return call<SearchPage>('GET', `/2/tweets/search/recent?${qs}`);
    },
    /** Posts as the user whose token this is. */
    post: async (userToken: string, text: string) =>
      (await call<{ data: { id: string; text: string } }>('POST', '/2/tweets', { text }, userToken)).data,
  };
}

export type SocialClient = ReturnType<typeof socialClient>;

/** The receiver's answer to `GET <webhook>?crc_token=T`: 200 with this JSON. */
export const answerCrc = (crcToken: string, consumerSecret: string) =>
  createXCrcResponse(crcToken, consumerSecret);

/** Checks `x-twitter-webhooks-signature` on the raw body; returns the delivery, or throws. */
export function verifyDelivery(
  rawBody: string,
  headers: Record<string, string | string[] | undefined>,
  consumerSecret: string,
): SocialDelivery {
  verifyX({ body: rawBody, headers: headers as Record<string, string>, secrets: consumerSecret });
  return JSON.parse(rawBody) as SocialDelivery;
}
