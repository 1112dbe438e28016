import { Hono } from 'hono';
import type { SlackContext } from '../context.ts';
import {
  archiveChannel,
  createIncomingWebhook,
  createSlackApp,
  deleteApp,
  deleteCommand,
  deleteIncomingWebhook,
  listCommands,
  listIncomingWebhooks,
  putCommand,
  requireApp,
  updateAppSettings,
} from '../domain/apps.ts';
import { channelObject } from '../domain/objects.ts';
import { listApps } from '../domain/workspace.ts';
import {
  appSettingsSchema,
  commandSchema,
  createAppSchema,
  incomingWebhookSchema,
} from '../http/admin-input.ts';
import { adminAuth } from '../http/auth.ts';
import { asProblem, jsonBody } from '../http/errors.ts';
import { appResource, commandResource } from '../http/representations.ts';

/** The admin API (`/admin/…`, problem+json errors, `Authorization: Bearer <SLACK_ADMIN_KEY>`). */
export function adminRoutes(ctx: SlackContext) {
  const app = new Hono();
  app.use('*', adminAuth(ctx.config));

  app.get('/apps', (c) => c.json({ object: 'list', data: listApps(ctx).map(appResource) }));
  app.post('/apps', async (c) => {
    const input = await jsonBody(c.req, createAppSchema);
    const { app: created, botToken } = createSlackApp(ctx, {
      name: input.name,
      botName:
        input.bot_name ??
        input.name
          .toLowerCase()
          .replace(/[^a-z0-9._-]+/g, '-')
          .slice(0, 40),
      scopes: input.scopes ?? ctx.config.SLACK_BOT_SCOPES,
    });
    return c.json(
      { ...appResource(created), bot_token: botToken, signing_secret: created.signingSecret },
      201,
    );
  });
  app.get('/apps/:id', (c) => asProblem(() => c.json(appResource(requireApp(ctx, c.req.param('id'))))));
  app.delete('/apps/:id', (c) =>
    asProblem(() => {
      deleteApp(ctx, c.req.param('id'));
      return c.body(null, 204);
    }),
  );
  app.patch('/apps/:id', async (c) => {
    const input = await jsonBody(c.req, appSettingsSchema);
    return asProblem(async () => c.json(appResource(await updateAppSettings(ctx, c.req.param('id'), input))));
  });

  app.get('/apps/:id/commands', (c) =>
    asProblem(() => {
      requireApp(ctx, c.req.param('id'));
      return c.json({ object: 'list', data: listCommands(ctx, c.req.param('id')).map(commandResource) });
    }),
  );
  app.put('/apps/:id/commands/:command', async (c) => {
    const input = await jsonBody(c.req, commandSchema);
    return asProblem(async () =>
      c.json(
        commandResource(
          await putCommand(ctx, c.req.param('id'), { ...input, command: c.req.param('command') }),
        ),
      ),
    );
  });
  app.delete('/apps/:id/commands/:command', (c) =>
    asProblem(() => {
      deleteCommand(ctx, c.req.param('id'), c.req.param('command'));
      return c.body(null, 204);
    }),
  );

  app.get('/apps/:id/incoming-webhooks', (c) =>
    asProblem(() => {
      requireApp(ctx, c.req.param('id'));
      const data = listIncomingWebhooks(ctx, c.req.param('id')).map((h) => ({
        object: 'incoming_webhook',
        id: h.id,
        channel: h.channelId,
        created: Math.floor(h.createdAt / 1000),
      }));
      return c.json({ object: 'list', data });
    }),
  );
  app.post('/apps/:id/incoming-webhooks', async (c) => {
    const input = await jsonBody(c.req, incomingWebhookSchema);
    return asProblem(() =>
      c.json(
        { object: 'incoming_webhook', ...createIncomingWebhook(ctx, c.req.param('id'), input.channel) },
        201,
      ),
    );
  });
  app.delete('/apps/:id/incoming-webhooks/:hook', (c) =>
    asProblem(() => {
      deleteIncomingWebhook(ctx, c.req.param('id'), c.req.param('hook'));
      return c.body(null, 204);
    }),
  );

  app.post('/channels/:channel/archive', (c) =>
    asProblem(() => c.json({ channel: channelObject(archiveChannel(ctx, c.req.param('channel'))) })),
  );
  return app;
}
