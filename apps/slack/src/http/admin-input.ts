// What the admin API accepts: the schemas its handlers validate with (and /docs shows).
import { z } from 'zod';

export const createAppSchema = z.object({
  name: z.string().min(1).max(80),
  bot_name: z
    .string()
    .regex(/^[a-z0-9._-]{1,40}$/)
    .optional(),
  scopes: z.array(z.string().min(1)).optional(),
});

// A mailbox, queue or topic cannot answer the proof (docs/architecture.md, "Non-HTTP callback targets").
const NOT_HTTP =
  'must be an http or https URL: mailto:, queue: and topic: targets are not possible here: Slack proves the ' +
  'request URL with url_verification, a signed POST whose challenge the URL must echo';

const httpUrl = z.url({
  protocol: /^https?$/,
  error: (issue) => (URL.canParse(String(issue.input)) ? NOT_HTTP : undefined),
});

export const appSettingsSchema = z.object({
  event_request_url: httpUrl
    .nullable()
    .optional()
    .describe('Verified with url_verification before it is stored.'),
  event_types: z
    .array(z.string())
    .optional()
    .describe('`message.channels`, `app_mention`, `reaction_added`.'),
  interactivity_url: httpUrl.nullable().optional(),
});

export const commandSchema = z.object({
  url: httpUrl,
  description: z.string().max(200).optional(),
  usage_hint: z.string().max(200).optional(),
});

export const incomingWebhookSchema = z.object({
  channel: z.string().min(1).describe('A channel id (`C…`) or name (`orders`).'),
});

export const appIdParams = z.object({ id: z.string() });
export const commandParams = z.object({ id: z.string(), command: z.string() });
export const hookParams = z.object({ id: z.string(), hook: z.string() });
export const channelParams = z.object({ channel: z.string() });
