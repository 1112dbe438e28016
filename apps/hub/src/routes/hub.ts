import { bodyLimit } from '@hooklab/service';
import { checkUrl } from '@hooklab/webhooks';
import { Hono } from 'hono';
import type { HubContext } from '../context.ts';
import { requestPublish } from '../domain/publish.ts';
import { parseHubRequest, topicAllowed } from '../domain/requests.ts';
import { requestIntent } from '../domain/subscriptions.ts';
import { MAX_FORM_BYTES, plainError, readForm } from '../http/form.ts';

/** `POST /`: the hub (subscribe, unsubscribe, publish). Answers 202 before any verification or fetch. */
export function hubRoutes(ctx: HubContext) {
  const app = new Hono();
  app.post(
    '/',
    bodyLimit({
      maxBytes: MAX_FORM_BYTES,
      onTooLarge: (c) => plainError(c, 413, `Form posts are limited to ${MAX_FORM_BYTES} bytes`),
    }),
    async (c) => {
      const form = await readForm(c);
      if (form instanceof Response) return form;
      const parsed = parseHubRequest(form, ctx.config);
      if (!parsed.ok) return plainError(c, 400, parsed.reason);
      const req = parsed.request;

      if (req.mode === 'publish') {
        const refused = req.topics.find((t) => !topicAllowed(ctx.config, t));
        if (refused) return plainError(c, 400, `This hub does not serve the topic ${refused}`);
        requestPublish(ctx, req.topics);
        return c.text('Accepted: the topic will be fetched and distributed\n', 202);
      }

      const verdict = await checkUrl(req.callback, ctx.ssrf);
      // A name that does not resolve now may later; verification will find out.
      if (!verdict.ok && verdict.code !== 'dns_error')
        return plainError(c, 400, `hub.callback is not allowed: ${verdict.reason}`);
      const denied = topicAllowed(ctx.config, req.topic) ? null : 'this hub does not serve that topic';
      requestIntent(ctx, req, req.mode === 'subscribe' ? denied : null);
      return c.text('Accepted: verification of intent follows\n', 202);
    },
  );
  return app;
}
