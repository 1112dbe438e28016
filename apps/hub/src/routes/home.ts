import { Hono } from 'hono';
import type { HubContext } from '../context.ts';
import { recentDeliveries } from '../domain/deliveries.ts';
import { listSubscriptions, listTopics, recentVerifications } from '../domain/views.ts';
import { HomePage } from '../pages/home.tsx';

const PAGE_ROWS = 50;

/** `GET /`: the hub's page (the same URL takes the hub's form POSTs). */
export function homeRoutes(ctx: HubContext) {
  return new Hono().get('/', async (c) =>
    c.html(
      HomePage({
        hubUrl: ctx.hubUrl(),
        topics: listTopics(ctx, PAGE_ROWS),
        subscriptions: listSubscriptions(ctx, { limit: PAGE_ROWS }),
        deliveries: await recentDeliveries(ctx, PAGE_ROWS),
        verifications: recentVerifications(ctx, PAGE_ROWS),
      }),
    ),
  );
}
