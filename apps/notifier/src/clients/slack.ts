import type { FetchLike, Logger } from '@hooklab/service';
import { LogLevel, WebClient } from '@slack/web-api';

/**
 * The official Web API client pointed at `slackApiUrl` (apps/slack locally, `https://slack.com/api/` for real).
 * It does not retry by itself: a failed post stays a pending job and the job runner retries it, so nothing
 * waits 30 minutes inside one request. A 429 is still honoured (the client waits `Retry-After`).
 */
export function createSlackClient(opts: {
  token: string;
  slackApiUrl: string;
  fetch?: FetchLike;
  logger?: Logger;
}): WebClient {
  return new WebClient(opts.token, {
    slackApiUrl: opts.slackApiUrl,
    retryConfig: { retries: 0 },
    timeout: 10_000,
    logLevel: LogLevel.ERROR,
    ...(opts.fetch ? { fetch: opts.fetch as typeof fetch } : {}),
  });
}

export type { WebClient };
