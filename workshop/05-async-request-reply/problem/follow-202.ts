// Exercise 05: a client of the asynchronous request–reply pattern:
// POST → 202 + Location + Retry-After → GET the status until 303 → GET the result.
// Run `pnpm workshop test 05`, then `pnpm workshop run 05` against logistics' /v1/quotes (with `pnpm dev`).

export interface FollowOptions {
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Headers sent on every request (the API key). */
  headers?: Record<string, string>;
  /** Give up after waiting this long in total (default 60 s). */
  maxWaitMs?: number;
}

export interface Followed<T> {
  result: T;
  /** GETs of the status URL. */
  polls: number;
  /** The sum of the Retry-After waits. */
  waitedMs: number;
}

export class AsyncJobError extends Error {
  override name = 'AsyncJobError';
}

const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function submitAndFollow<T = unknown>(
  url: string,
  body: unknown,
  opts: FollowOptions = {},
): Promise<Followed<T>> {
  const http = opts.fetch ?? fetch;
  const sleep = opts.sleep ?? wait;
  void sleep;
  const res = await http(url, {
    method: 'POST',
    headers: { ...opts.headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  // TODO: a 202 is "accepted", not "done": its body is the job's state, not the result. Read the
  // Location header (the status URL, relative: resolve it with new URL(location, url)) and Retry-After.
  // TODO: wait Retry-After seconds, GET the status URL (redirect: 'manual'); 200 = still running (wait
  // its Retry-After again), 303 = done: GET the 303's Location for the result. Give up after maxWaitMs.
  return { result: (await res.json()) as T, polls: 0, waitedMs: 0 };
}
