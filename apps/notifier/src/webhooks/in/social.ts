// What the notifier RECEIVES from social: the CRC challenge (proof that we hold the app's consumer secret) and
// the posts matching our rule, signed `x-twitter-webhooks-signature`, taken in once per post id → #social.
import { ApiError, noteSignature, readRawBody, type ServiceEnv } from '@hooklab/service';
import { createXCrcResponse, verifyX } from '@hooklab/webhooks';
import { Hono } from 'hono';
import { cachedAuthors } from '../../clients/social.ts';
import type { NotifierContext } from '../../context.ts';
import { takeIn } from '../../domain/notifications.ts';
import { isSocialDelivery, socialMessage, socialSecretUsable } from '../../domain/social.ts';
import { refuse, webhookBodyLimit } from '../../http/webhook-verify.ts';

/** `GET /webhooks/social?crc_token=` answers the CRC; `POST /webhooks/social`: verify → dedupe → queued. */
export function socialWebhookRoutes(ctx: NotifierContext) {
  const app = new Hono<ServiceEnv>();
  // The delivery names only author_id; the name comes from social's user lookup, kept between posts.
  const authorOf = cachedAuthors(ctx.social, { logger: ctx.logger });
  app.use('*', async (_c, next) => {
    if (!socialSecretUsable(ctx.config))
      throw new ApiError({
        status: 503,
        code: 'not_configured',
        message: 'SOCIAL_CONSUMER_SECRET is not set: this endpoint takes no deliveries',
      });
    await next();
  });
  app.get('/', (c) => {
    const token = c.req.query('crc_token');
    if (!token)
      throw new ApiError({ status: 400, code: 'parameter_missing', message: 'crc_token is required' });
    return c.json(createXCrcResponse(token, ctx.config.SOCIAL_CONSUMER_SECRET));
  });
  app.post('/', webhookBodyLimit(ctx.config.NOTIFIER_WEBHOOK_MAX_BYTES), async (c) => {
    const raw = await readRawBody(c);
    try {
      verifyX({
        body: raw,
        headers: Object.fromEntries(c.req.raw.headers),
        secrets: ctx.config.SOCIAL_CONSUMER_SECRET,
      });
    } catch (err) {
      const reason = (err as Error).message;
      noteSignature(c, { verified: false, scheme: 'x', reason });
      throw refuse(401, 'signature_invalid', `x-twitter-webhooks-signature did not verify: ${reason}`);
    }
    noteSignature(c, { verified: true, scheme: 'x' });
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      body = undefined;
    }
    if (!isSocialDelivery(body))
      throw refuse(
        400,
        'invalid_delivery',
        'A signed body that is not a post delivery {data, matching_rules}',
      );
    const author = await authorOf(body.data.author_id);
    // X signs no timestamp or delivery id: the post id is what makes a retry a duplicate.
    const fresh = takeIn(ctx, {
      source: 'social',
      id: body.data.id,
      type: 'post.matched',
      message: socialMessage(body, ctx.config.socialUrl, author),
    });
    return c.json({ received: true, duplicate: !fresh });
  });
  return app;
}
