// Publishing (WebSub §6): a ping schedules one fetch of the topic; the fetch's content goes to every
// active subscriber in one outbox transaction. Job steps; no HTTP framework.
import { randomBytes } from 'node:crypto';
import { guardedFetch } from '@hooklab/webhooks';
import { eq, sql } from 'drizzle-orm';
import type { HubContext } from '../context.ts';
import { topics } from '../db/schema.ts';
import { enqueueDistribution } from '../webhooks/out/distribution.ts';
import { activeSubscriptions, hasSubscribers } from './subscriptions.ts';

export const PUBLISH_JOB = 'topic.publish';

/** Records the ping and schedules the fetch; pings that arrive before it runs share one fetch. */
export function requestPublish(ctx: HubContext, urls: readonly string[]): void {
  const now = ctx.clock.now();
  ctx.sqlite.transaction(() => {
    for (const url of urls) {
      ctx.db
        .insert(topics)
        .values({ url, publishCount: 1, lastPublishAt: now, createdAt: now })
        .onConflictDoUpdate({
          target: topics.url,
          set: { publishCount: sql`${topics.publishCount} + 1`, lastPublishAt: now },
        })
        .run();
      ctx.jobs.schedule({ kind: PUBLISH_JOB, subjectId: url, runAt: now });
    }
  })();
}

type Fetched = { ok: true; contentType: string; body: string } | { ok: false; error: string };

async function fetchTopic(ctx: HubContext, url: string): Promise<Fetched> {
  const max = ctx.config.HUB_MAX_CONTENT_BYTES;
  try {
    const res = await guardedFetch(
      url,
      { method: 'GET', signal: AbortSignal.timeout(ctx.config.HUB_FETCH_TIMEOUT_MS) },
      { ssrf: ctx.ssrf, fetch: ctx.fetch },
    );
    if (res.status < 200 || res.status > 299) {
      await res.body?.cancel().catch(() => undefined);
      return { ok: false, error: `the topic answered ${res.status}` };
    }
    const declared = Number(res.headers.get('content-length') ?? '0');
    if (declared > max) {
      await res.body?.cancel().catch(() => undefined);
      return { ok: false, error: `the topic is larger than ${max} bytes` };
    }
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (bytes.length > max) return { ok: false, error: `the topic is larger than ${max} bytes` };
    let body: string;
    try {
      body = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return { ok: false, error: 'the topic is not UTF-8 text (the hub distributes text content only)' };
    }
    return { ok: true, contentType: res.headers.get('content-type') ?? 'application/octet-stream', body };
  } catch (err) {
    return { ok: false, error: (err instanceof Error ? err.message : String(err)).slice(0, 200) };
  }
}

/** The job step: fetch once (only when someone listens), then distribute in the job's own transaction. */
export async function publishTopic(ctx: HubContext, url: string) {
  if (!hasSubscribers(ctx, url, ctx.clock.now())) {
    return () => {
      ctx.db.update(topics).set({ lastFanOut: 0 }).where(eq(topics.url, url)).run();
      return null;
    };
  }
  const fetched = await fetchTopic(ctx, url);
  const fetchedAt = ctx.clock.now();
  return (now: number) => {
    if (!fetched.ok) {
      ctx.db
        .update(topics)
        .set({ lastFetchAt: fetchedAt, lastError: fetched.error })
        .where(eq(topics.url, url))
        .run();
      return null;
    }
    const subs = activeSubscriptions(ctx, url, now);
    const count = enqueueDistribution(
      ctx.outbox,
      ctx.sqlite,
      {
        topic: url,
        contentType: fetched.contentType,
        body: fetched.body,
        hubUrl: ctx.hubUrl(),
        publishId: `pub_${randomBytes(12).toString('hex')}`,
      },
      subs,
    );
    ctx.db
      .update(topics)
      .set({ lastFetchAt: fetchedAt, lastError: null, contentType: fetched.contentType, lastFanOut: count })
      .where(eq(topics.url, url))
      .run();
    return null;
  };
}
