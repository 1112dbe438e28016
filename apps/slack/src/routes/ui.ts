// What the web UI does, as JSON: read a channel or thread, follow changes (SSE), type as a person,
// run a slash command, press a button, react. Served in dev mode only (no login).
import { errors } from '@hooklab/service';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import type { SlackContext } from '../context.ts';
import * as schema from '../db/schema.ts';
import {
  createIncomingWebhook,
  listCommands,
  listIncomingWebhooks,
  putCommand,
  updateAppSettings,
} from '../domain/apps.ts';
import { pressButton, runSlashCommand } from '../domain/interactions.ts';
import { addReaction, history, postMessage, replies } from '../domain/messages.ts';
import { channelObject, messageObject, userObject } from '../domain/objects.ts';
import { channelFor, getUser, humans, isMember, join, listApps } from '../domain/workspace.ts';
import { appSettingsSchema, commandSchema, incomingWebhookSchema } from '../http/admin-input.ts';
import { asProblem, jsonBody } from '../http/errors.ts';
import { appResource } from '../http/representations.ts';

const asPerson = z.object({ channel: z.string().min(1), user: z.string().min(1) });
export const uiMessageSchema = asPerson.extend({
  text: z.string().min(1).max(4000),
  thread_ts: z.string().optional(),
});
export const uiCommandSchema = asPerson.extend({ text: z.string().regex(/^\//, 'a command starts with /') });
export const uiActionSchema = asPerson.extend({ ts: z.string(), action_id: z.string().min(1) });
export const uiReactionSchema = asPerson.extend({ ts: z.string(), name: z.string().min(1).max(100) });

export function uiRoutes(ctx: SlackContext) {
  const app = new Hono();
  const person = (id: string) => {
    const user = getUser(ctx, id);
    if (!user || user.isBot) throw errors.badRequest('No such person', 'user');
    return user;
  };

  app.get('/workspace', (c) =>
    c.json({
      team: { id: ctx.config.SLACK_TEAM_ID, name: ctx.config.SLACK_TEAM_NAME },
      channels: ctx.db
        .select()
        .from(schema.channels)
        .orderBy(schema.channels.name)
        .all()
        .map((ch) => channelObject(ch)),
      people: humans(ctx).map((u) => userObject(u, ctx.config)),
      users: Object.fromEntries(
        ctx.db
          .select()
          .from(schema.users)
          .all()
          .map((u) => [u.id, u.isBot ? u.realName : u.name]),
      ),
    }),
  );
  app.get('/channels/:channel/messages', (c) =>
    asProblem(() => {
      const channel = channelFor(ctx, c.req.param('channel'));
      const page = history(ctx, channel.id, { limit: 200 });
      return c.json({
        channel: channelObject(channel),
        messages: page.items.reverse().map((m) => messageObject(m, ctx.config)),
      });
    }),
  );
  app.get('/channels/:channel/threads/:ts', (c) =>
    asProblem(() => {
      const channel = channelFor(ctx, c.req.param('channel'));
      const page = replies(ctx, channel.id, c.req.param('ts'), { limit: 500 });
      return c.json({ messages: page.items.map((m) => messageObject(m, ctx.config)) });
    }),
  );
  app.get('/stream', (c) =>
    streamSSE(c, async (stream) => {
      const queue: string[] = [];
      let wake: (() => void) | undefined;
      const unsubscribe = ctx.live.subscribe((event) => {
        queue.push(JSON.stringify(event));
        wake?.();
      });
      let open = true;
      stream.onAbort(() => {
        open = false;
        unsubscribe();
        wake?.();
      });
      await stream.writeSSE({ event: 'ready', data: '{}' });
      while (open) {
        if (queue.length === 0) await new Promise<void>((ok) => (wake = ok));
        for (const data of queue.splice(0)) await stream.writeSSE({ event: 'change', data });
      }
    }),
  );

  app.post('/messages', async (c) => {
    const input = await jsonBody(c.req, uiMessageSchema);
    const user = person(input.user);
    return asProblem(() => {
      const channel = channelFor(ctx, input.channel, user.id);
      // Typing in a channel one is not in joins it, as Slack's client offers to.
      if (!isMember(ctx, channel.id, user.id)) join(ctx, channel.id, user.id);
      const m = postMessage(
        ctx,
        channel,
        { user, app: null },
        { text: input.text, threadTs: input.thread_ts },
      );
      return c.json({ ok: true, ts: m.ts }, 201);
    });
  });
  app.post('/commands', async (c) => {
    const input = await jsonBody(c.req, uiCommandSchema);
    const user = person(input.user);
    const channel = await asProblem(() => channelFor(ctx, input.channel, user.id));
    const out = await runSlashCommand(ctx, { channelId: channel.id, userId: user.id, text: input.text });
    if (!out.ok && out.missing) throw errors.notFound(out.error);
    return c.json(out);
  });
  app.post('/actions', async (c) => {
    const input = await jsonBody(c.req, uiActionSchema);
    const user = person(input.user);
    const channel = await asProblem(() => channelFor(ctx, input.channel, user.id));
    const out = await pressButton(ctx, {
      channelId: channel.id,
      ts: input.ts,
      userId: user.id,
      actionId: input.action_id,
    });
    if (!out.ok && out.missing) throw errors.notFound(out.error);
    return c.json(out);
  });
  app.post('/reactions', async (c) => {
    const input = await jsonBody(c.req, uiReactionSchema);
    const user = person(input.user);
    return asProblem(() => {
      const channel = channelFor(ctx, input.channel, user.id);
      addReaction(ctx, channel, input.ts, user.id, input.name);
      return c.json({ ok: true }, 201);
    });
  });

  // The settings page: the admin API's operations, for a person in dev mode.
  app.get('/apps', (c) =>
    c.json({
      data: listApps(ctx).map((a) => ({
        ...appResource(a),
        commands: listCommands(ctx, a.id).map((x) => ({
          command: x.command,
          url: x.url,
          description: x.description,
        })),
        incoming_webhooks: listIncomingWebhooks(ctx, a.id).map((h) => ({ id: h.id, channel: h.channelId })),
      })),
    }),
  );
  app.patch('/apps/:id', async (c) => {
    const input = await jsonBody(c.req, appSettingsSchema);
    return c.json(appResource(await asProblem(() => updateAppSettings(ctx, c.req.param('id'), input))));
  });
  app.put('/apps/:id/commands/:command', async (c) => {
    const input = await jsonBody(c.req, commandSchema);
    await asProblem(() => putCommand(ctx, c.req.param('id'), { ...input, command: c.req.param('command') }));
    return c.json({ ok: true });
  });
  app.post('/apps/:id/incoming-webhooks', async (c) => {
    const input = await jsonBody(c.req, incomingWebhookSchema);
    return c.json(await asProblem(() => createIncomingWebhook(ctx, c.req.param('id'), input.channel)), 201);
  });
  return app;
}
