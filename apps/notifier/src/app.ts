import { createServiceApp } from '@hooklab/service';
import type { NotifierContext } from './context.ts';
import { createBot } from './domain/bot.ts';
import { statusRoutes } from './routes/status.ts';
import { logisticsWebhookRoutes } from './webhooks/in/logistics.ts';
import { marketsWebhookRoutes } from './webhooks/in/markets.ts';
import { paymentsWebhookRoutes } from './webhooks/in/payments.ts';
import { shopWebhookRoutes } from './webhooks/in/shop.ts';
import { HonoReceiver, slackRoutes } from './webhooks/in/slack.ts';
import { socialWebhookRoutes } from './webhooks/in/social.ts';

// Names who called us in recorded exchanges, so the console's diagram shows the senders.
const callerOf = (c: { req: { header(n: string): string | undefined; path: string } }): string =>
  c.req.header('x-hooklab-from') ??
  (c.req.header('x-slack-signature')
    ? 'slack'
    : c.req.header('stripe-signature')
      ? 'payments'
      : c.req.path.startsWith('/webhooks/shop')
        ? 'shop'
        : c.req.path.startsWith('/webhooks/logistics')
          ? 'logistics'
          : c.req.path.startsWith('/webhooks/markets')
            ? 'hub'
            : c.req.path.startsWith('/webhooks/social')
              ? 'social'
              : 'client');

/**
 * notifier's HTTP app: webhooks in from payments, the shop and logistics (→ Slack messages), and the Slack app's
 * request URLs (events, slash command, interactivity) on the same port.
 */
export function createApp(ctx: NotifierContext) {
  const app = createServiceApp({
    name: 'notifier',
    logger: ctx.logger,
    recorder: ctx.recorder,
    callerOf,
    dev: ctx.config,
    apiPrefixes: ['/api/', '/webhooks/', '/slack/'],
  });
  const receiver = new HonoReceiver({
    signingSecrets: () => ctx.secrets.slack(),
    now: () => ctx.clock.now(),
    onError: (err) => ctx.logger?.error({ err }, 'Slack request failed'),
  });
  createBot(
    {
      shop: ctx.shop,
      stripe: ctx.stripe,
      slack: ctx.slack,
      botToken: ctx.config.SLACK_BOT_TOKEN,
      ordersChannel: ctx.config.NOTIFIER_CHANNEL_ORDERS,
      clientOptions: {
        slackApiUrl: ctx.config.slackApiUrl,
        retryConfig: { retries: 0 },
        fetch: ctx.fetch as typeof fetch,
      },
      logger: ctx.logger,
      dev: ctx.config.HOOKLAB_DEV,
      fetch: ctx.fetch,
    },
    receiver,
  );
  app.route('/api', statusRoutes(ctx));
  app.route('/webhooks/payments', paymentsWebhookRoutes(ctx));
  app.route('/webhooks/shop', shopWebhookRoutes(ctx));
  app.route('/webhooks/logistics', logisticsWebhookRoutes(ctx));
  app.route('/webhooks/markets', marketsWebhookRoutes(ctx));
  app.route('/webhooks/social', socialWebhookRoutes(ctx));
  app.route('/slack', slackRoutes(receiver, ctx.config.NOTIFIER_WEBHOOK_MAX_BYTES));
  return app;
}

export type NotifierApp = ReturnType<typeof createApp>;
