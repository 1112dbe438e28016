// Registers the Slack app's request URLs with apps/slack's admin API (real Slack: its app settings page).
// Idempotent: the same URLs again change nothing but re-run url_verification, which needs us listening.
import type { FetchLike } from '@hooklab/service';
import type { WebClient } from '@slack/web-api';
import type { NotifierConfig } from '../config.ts';

/** The Slack app's request URLs as the notifier serves them. */
export function slackAppUrls(baseUrl: string) {
  return {
    events: `${baseUrl}/slack/events`,
    commands: `${baseUrl}/slack/commands`,
    actions: `${baseUrl}/slack/actions`,
  };
}

export const SLACK_EVENT_TYPES = ['message.channels', 'app_mention'];

/** Finds our app by the bot behind our token (auth.test), then sets its event URL, interactivity URL and /order. */
export async function ensureSlackApp(opts: {
  config: Pick<NotifierConfig, 'slackUrl' | 'SLACK_ADMIN_KEY'>;
  slack: WebClient;
  fetch: FetchLike;
  baseUrl: string;
}): Promise<{ id: string }> {
  const { config } = opts;
  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await opts.fetch(`${config.slackUrl}/admin${path}`, {
      method,
      headers: {
        authorization: `Bearer ${config.SLACK_ADMIN_KEY}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(10_000),
    });
    const json = (await res.json().catch(() => null)) as Record<string, unknown> | null;
    if (!res.ok)
      throw new Error(
        `slack admin ${method} ${path}: ${res.status} ${String(json?.title ?? json?.detail ?? '')}`,
      );
    return json;
  };
  const me = await opts.slack.auth.test();
  const apps = ((await admin('GET', '/apps')) as { data: { id: string; bot_id: string | null }[] }).data;
  const ours = apps.find((a) => a.bot_id === me.bot_id);
  if (!ours) throw new Error(`no app in apps/slack owns bot ${me.bot_id}`);
  const urls = slackAppUrls(opts.baseUrl);
  await admin('PATCH', `/apps/${ours.id}`, {
    event_request_url: urls.events,
    event_types: SLACK_EVENT_TYPES,
    interactivity_url: urls.actions,
  });
  await admin('PUT', `/apps/${ours.id}/commands/order`, {
    url: urls.commands,
    description: 'Look up an order in the shop',
    usage_hint: 'ord_…',
  });
  return { id: ours.id };
}
