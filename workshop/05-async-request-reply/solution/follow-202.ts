// Exercise 05 (reference): a client of the asynchronous request–reply pattern:
// POST → 202 + Location + Retry-After → GET the status until 303 → GET the result.

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

/** Retry-After as seconds (delta) or an HTTP date; 1 s when absent or unreadable. */
function retryAfterMs(value: string | null): number {
  if (!value) return 1000;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? 1000 : Math.max(0, at - Date.now());
}

export async function submitAndFollow<T = unknown>(
  url: string,
  body: unknown,
  opts: FollowOptions = {},
): Promise<Followed<T>> {
  const http = opts.fetch ?? fetch;
  const sleep = opts.sleep ?? wait;
  const maxWaitMs = opts.maxWaitMs ?? 60_000;
  const res = await http(url, {
    method: 'POST',
    headers: { ...opts.headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 202) throw new AsyncJobError(`POST ${url} answered ${res.status}, not 202`);
  const location = res.headers.get('location');
  if (!location) throw new AsyncJobError('the 202 has no Location header');
  await res.body?.cancel();
  const statusUrl = new URL(location, url).href;
  let delay = retryAfterMs(res.headers.get('retry-after'));
  let waitedMs = 0;
  for (let polls = 1; ; polls++) {
    if (waitedMs + delay > maxWaitMs) throw new AsyncJobError(`gave up after waiting ${waitedMs} ms`);
    await sleep(delay);
    waitedMs += delay;
    // manual: a 303 is the answer "done, the result is there"; we GET it ourselves.
    const status = await http(statusUrl, { headers: opts.headers, redirect: 'manual' });
    if (status.status === 303) {
      const target = status.headers.get('location');
      await status.body?.cancel();
      if (!target) throw new AsyncJobError('the 303 has no Location header');
      const result = await http(new URL(target, statusUrl).href, { headers: opts.headers });
      if (!result.ok) throw new AsyncJobError(`GET ${target} answered ${result.status}`);
      return { result: (await result.json()) as T, polls, waitedMs };
    }
    if (status.status !== 200) throw new AsyncJobError(`GET ${statusUrl} answered ${status.status}`);
    const view = (await status.json()) as { status?: string; error?: { message?: string } };
    if (view.status === 'failed')
      throw new AsyncJobError(`the job failed: ${view.error?.message ?? 'no reason given'}`);
    delay = retryAfterMs(status.headers.get('retry-after'));
  }
}
