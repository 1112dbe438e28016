// A tiny receiver built for S09: verifies Standard Webhooks signatures, dedupes by webhook-id,
// counts handled events per delivery mode, and can be switched into an outage.
import {
  createServiceApp,
  ExchangeRecorder,
  type RunningApp,
  type ServiceVariables,
  serve,
} from '@hooklab/service';
import { createMemoryInbox, verifyWebhook, type WebhookEnv } from '@hooklab/webhooks';
import { SENDER_SECRET } from './sender.ts';

/** Starts the S09 receiver on a free port. */
export async function startReceiver(): Promise<RunningApp> {
  let down = false;
  const handled = new Map<string, number>();
  const runsPerEvent = new Map<string, number>();
  let refusedDuringOutage = 0;
  const recorder = new ExchangeRecorder('s09-receiver');
  const app = createServiceApp<{ Variables: ServiceVariables & WebhookEnv['Variables'] }>({
    name: 's09-receiver',
    recorder,
  });

  app.post('/_control/outage', async (c) => {
    down = Boolean((await c.req.json()).down);
    return c.json({ down });
  });
  app.get('/stats', (c) =>
    c.json({
      handled: Object.fromEntries(handled),
      handlerRunsMax: Math.max(0, ...runsPerEvent.values()),
      refusedDuringOutage,
    }),
  );
  app.use('/webhooks', async (c, next) => {
    if (down) {
      refusedDuringOutage += 1;
      return c.text('down for maintenance', 503);
    }
    await next();
  });
  app.post(
    '/webhooks',
    verifyWebhook({
      scheme: 'standard',
      secrets: [SENDER_SECRET],
      inbox: createMemoryInbox({ max: 100_000 }),
    }),
    (c) => {
      const payload = c.get('webhook').payload as { data: { id: string; mode: string } };
      runsPerEvent.set(payload.data.id, (runsPerEvent.get(payload.data.id) ?? 0) + 1);
      handled.set(payload.data.mode, (handled.get(payload.data.mode) ?? 0) + 1);
      return c.body(null, 204);
    },
  );
  const server = await serve({ app, port: 0 });
  return { name: 's09-receiver', url: server.url, port: server.port, recorder, close: server.close };
}
