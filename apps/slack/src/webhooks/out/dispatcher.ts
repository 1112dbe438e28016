import { type AttemptEvent, createDispatcher, type Dispatcher } from '@hooklab/webhooks';
import type { SlackContext } from '../../context.ts';
import { getApp } from '../../domain/workspace.ts';

/** Slack's ack window: an app that has not answered within 3 s is retried (`X-Slack-Retry-Reason: http_timeout`). */
export const EVENTS_TIMEOUT_MS = 3000;

/** The Events API's own dispatcher on the app's outbox: Slack's retry profile, 3-second timeout, SSRF guard. */
export function createEventDispatcher(
  ctx: SlackContext,
  opts: { onAttempt?: (e: AttemptEvent) => void; random?: () => number } = {},
): Dispatcher {
  return createDispatcher({
    store: ctx.outbox,
    clock: ctx.clock,
    timeoutMs: EVENTS_TIMEOUT_MS,
    retrySchedule: ctx.config.WEBHOOK_RETRY_SCHEDULE,
    ssrf: { check: (url) => ctx.checkUrl(url) },
    // An event belongs to its app (`app:A…`): sent to its request URL as it is now; a deleted app's are canceled.
    resolveEndpoint: (endpointId) => {
      const app = endpointId.startsWith('app:') ? getApp(ctx, endpointId.slice(4)) : undefined;
      if (!app) return null;
      return {
        url: app.eventsUrl ?? '',
        secrets: [app.signingSecret],
        scheme: 'slack',
        enabled: app.eventsUrl !== null,
      };
    },
    ...(ctx.logger ? { logger: ctx.logger } : {}),
    ...(opts.onAttempt ? { onAttempt: opts.onAttempt } : {}),
    ...(opts.random ? { random: opts.random } : {}),
  });
}
