import {
  type CallbackServer,
  createWebSubSubscriber,
  startCallbackServer,
  type WebSubContent,
  type WebSubSubscriber,
  type WebSubSubscriberOptions,
} from '@hooklab/webhooks';
import type { ScenarioContext } from './scenario.ts';

export interface ScenarioSubscriber {
  subscriber: WebSubSubscriber;
  server: CallbackServer;
  received: WebSubContent[];
  close(): Promise<void>;
}

/**
 * A WebSub subscriber of the scenario's own, on 127.0.0.1 (the hub may call loopback callbacks in dev mode),
 * built with the library in @hooklab/webhooks; its requests go through the scenario's fetch (traced, recorded).
 */
export async function startScenarioSubscriber(
  ctx: ScenarioContext,
  opts: Partial<WebSubSubscriberOptions> = {},
): Promise<ScenarioSubscriber> {
  const received: WebSubContent[] = [];
  let handle: (r: Request) => Promise<Response> = async () => new Response(null, { status: 503 });
  const server = await startCallbackServer((r) => handle(r));
  const subscriber = createWebSubSubscriber({
    callbackUrl: server.url,
    fetch: ctx.fetch as WebSubSubscriberOptions['fetch'],
    ...opts,
    onContent: async (c) => {
      received.push(c);
      await opts.onContent?.(c);
    },
  });
  handle = subscriber.handle;
  return {
    subscriber,
    server,
    received,
    async close() {
      subscriber.stop();
      await server.close();
    },
  };
}
