import type { SqliteClient } from '@hooklab/db';
import { formatTraceparent, type TraceContext } from '@hooklab/service';
import type { SqliteOutbox } from '@hooklab/webhooks';

/** One post as a webhook carries it (X's tweet object, the default fields). */
export interface PostData {
  id: string;
  text: string;
  author_id: string;
  created_at: string;
  edit_history_tweet_ids: string[];
}

export interface MatchTarget {
  webhookId: string;
  url: string;
  consumerSecret: string;
}

/**
 * Enqueues one delivery per webhook of an app whose rules the post matched, on the caller's open
 * transaction: `{data, matching_rules}` signed with the app's consumer secret (`x-twitter-webhooks-signature`).
 */
export function enqueuePostMatched(
  sqlite: SqliteClient,
  outbox: SqliteOutbox,
  input: {
    post: PostData;
    appId: string;
    matchingRules: { id: string; tag: string | null }[];
    targets: MatchTarget[];
    trace?: TraceContext | undefined;
  },
): void {
  if (input.targets.length === 0) return;
  const body = JSON.stringify({
    data: input.post,
    matching_rules: input.matchingRules.map((r) =>
      r.tag === null ? { id: r.id } : { id: r.id, tag: r.tag },
    ),
  });
  outbox.enqueueMany(
    sqlite,
    input.targets.map((t) => ({
      endpointId: t.webhookId,
      url: t.url,
      eventType: 'post.matched',
      eventId: `${input.post.id}:${input.appId}`,
      body,
      signing: { scheme: 'x' as const, secrets: [t.consumerSecret] },
      profile: 'standard' as const,
      ...(input.trace ? { traceparent: formatTraceparent(input.trace) } : {}),
    })),
  );
}
