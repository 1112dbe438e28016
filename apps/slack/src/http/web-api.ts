// The Web API's dialect: a form or JSON body (or a query string), the token from `Authorization: Bearer`
// or a `token` field, and every answer HTTP 200 `{ok, …}` (429 + Retry-After when rate limited).
import type { Context } from 'hono';
import type { Args } from '../domain/web-api.ts';

export const MAX_BODY_BYTES = 1024 * 1024;

/** The call's arguments; null when the body cannot be read as what its content type says. */
export async function readArgs(c: Context): Promise<Args | null> {
  const args: Args = { ...c.req.query() };
  if (c.req.method !== 'POST') return args;
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  try {
    if (type.startsWith('multipart/form-data')) {
      const form = await c.req.parseBody();
      for (const [k, v] of Object.entries(form)) if (typeof v === 'string') args[k] = v;
      return args;
    }
    const text = await c.req.text();
    if (text.length > MAX_BODY_BYTES) return null;
    if (type.startsWith('application/json')) {
      if (!text.trim()) return args;
      const body: unknown = JSON.parse(text);
      if (!body || typeof body !== 'object' || Array.isArray(body)) return null;
      return Object.assign(args, body);
    }
    for (const [k, v] of new URLSearchParams(text)) args[k] = v;
    return args;
  } catch {
    return null;
  }
}

/** `Authorization: Bearer xoxb-…` wins over a `token` argument, as in Slack. */
export function tokenOf(c: Context, args: Args): string | undefined {
  const header = c.req.header('authorization');
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
    return m?.[1];
  }
  return typeof args.token === 'string' && args.token ? args.token : undefined;
}

export const ok = (c: Context, body: Record<string, unknown>) => c.json({ ok: true, ...body }, 200);

export const notOk = (c: Context, error: string, extra: Record<string, unknown> = {}) =>
  c.json({ ok: false, error, ...extra }, 200);
