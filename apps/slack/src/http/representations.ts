// The admin API's resources.
import type * as schema from '../db/schema.ts';

export function appResource(app: schema.App) {
  return {
    id: app.id,
    object: 'app' as const,
    name: app.name,
    bot_user_id: app.botUserId,
    bot_id: app.botId,
    event_request_url: app.eventsUrl,
    event_types: app.eventTypes,
    interactivity_url: app.interactivityUrl,
    created: Math.floor(app.createdAt / 1000),
  };
}

export const commandResource = (c: schema.Command) => ({
  object: 'command' as const,
  command: c.command,
  url: c.url,
  description: c.description,
  usage_hint: c.usageHint,
});
