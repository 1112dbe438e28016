import type { Context } from 'hono';

/**
 * The request body as text, read once through Hono's body cache: whatever read it before (a body limit, a
 * receiver's byte reader) or after (`c.req.json()`, `parseBody()`) shares the same bytes.
 */
export function readRawBody(c: Context): Promise<string> {
  return c.req.text();
}
