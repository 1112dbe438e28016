import { ApiError } from '@hooklab/service';
import { Hono } from 'hono';
import type { SocialContext } from '../context.ts';
import {
  deleteWebhook,
  getWebhook,
  listWebhooks,
  registerWebhook,
  revalidateWebhook,
} from '../domain/webhooks.ts';
import { type AppAuthEnv, requireApp } from '../http/auth.ts';
import { invalidParam, notFound } from '../http/errors.ts';
import { jsonObject } from '../http/input.ts';

const WEBHOOK_ID = /^\d{1,19}$/;

function idOf(raw: string): string {
  if (!WEBHOOK_ID.test(raw))
    throw invalidParam(
      'webhook_id',
      `The \`webhook_id\` path parameter value [${raw}] is not a valid id`,
      raw,
    );
  return raw;
}

/** `/2/webhooks`: register (with an immediate CRC), list, re-validate (PUT) and delete the app's webhooks. */
export function webhookRoutes(ctx: SocialContext) {
  const app = new Hono<AppAuthEnv>();
  app.use('*', requireApp(ctx.sqlite));
  app.post('/', async (c) => {
    const body = await jsonObject(c);
    const extra = Object.keys(body).find((k) => k !== 'url');
    if (extra) throw invalidParam(extra, `The field [${extra}] is not supported; the body is {url}`);
    const webhook = await registerWebhook(ctx, c.get('clientApp'), body.url);
    return c.json({ data: webhook }, 200);
  });
  app.get('/', (c) => {
    const data = listWebhooks(ctx, c.get('clientApp').id);
    return c.json({ data, meta: { result_count: data.length } });
  });
  app.get('/:webhook_id', (c) => {
    const id = idOf(c.req.param('webhook_id'));
    const webhook = getWebhook(ctx, c.get('clientApp').id, id);
    if (!webhook) throw notFound('webhook', id, 'webhook_id');
    return c.json({ data: webhook });
  });
  app.put('/:webhook_id', async (c) => {
    const id = idOf(c.req.param('webhook_id'));
    const out = await revalidateWebhook(ctx, c.get('clientApp'), id);
    if (!out) throw notFound('webhook', id, 'webhook_id');
    if (out.reason !== null) {
      throw new ApiError({
        status: 400,
        code: 'crc_validation_failed',
        message: `The webhook failed its CRC check and is now valid:false (no deliveries until it passes): ${out.reason}`,
        param: 'webhook_id',
        extra: { value: id },
      });
    }
    return c.json({ data: { ...out.webhook, attempted: true } });
  });
  app.delete('/:webhook_id', async (c) => {
    const id = idOf(c.req.param('webhook_id'));
    if (!(await deleteWebhook(ctx, c.get('clientApp').id, id))) throw notFound('webhook', id, 'webhook_id');
    return c.json({ data: { deleted: true } });
  });
  return app;
}
