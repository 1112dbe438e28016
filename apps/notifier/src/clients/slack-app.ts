import type { FetchLike } from '@hooklab/service';
import type { NotifierConfig } from '../config.ts';

/** The Slack app's request URLs as the notifier serves them. */
export function slackAppUrls(baseUrl: string) {
  return {
    events: `${baseUrl}/slack/events`,
    commands: `${baseUrl}/slack/commands`,
    actions: `${baseUrl}/slack/actions`,
  };
}

/** Registers the app with apps/slack's admin API (placeholder until that API lands). */
export async function ensureSlackApp(opts: {
  config: NotifierConfig;
  fetch: FetchLike;
  baseUrl: string;
}): Promise<{ id: string; signingSecret?: string }> {
  void opts;
  throw new Error('apps/slack has no admin API yet');
}
