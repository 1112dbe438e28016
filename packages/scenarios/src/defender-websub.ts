// S15's WebSub side: a subscriber built with @hooklab/webhooks' WebSub library (the library checks
// X-Hub-Signature), behind a callback server that also keeps each delivery raw, so the attacker has a genuine
// one to copy.
import {
  createWebSubSubscriber,
  startCallbackServer,
  type WebSubContent,
  type WebSubSubscriber,
  type WebSubSubscriberOptions,
} from '@hooklab/webhooks';
import type { ScenarioContext } from './scenario.ts';

export interface WebSubDefender {
  subscriber: WebSubSubscriber;
  /** Content the library let through (verified when the subscription has a secret). */
  received: WebSubContent[];
  /** Raw POSTs as they arrived, with the answer the library gave. */
  arrivals: { url: string; headers: Record<string, string>; body: string; status: number }[];
  close(): Promise<void>;
}

export async function startWebSubDefender(ctx: ScenarioContext): Promise<WebSubDefender> {
  const received: WebSubContent[] = [];
  const arrivals: WebSubDefender['arrivals'] = [];
  let subscriber: WebSubSubscriber | undefined;
  const server = await startCallbackServer(async (req) => {
    if (!subscriber) return new Response(null, { status: 503 });
    if (req.method !== 'POST') return subscriber.handle(req);
    const headers: Record<string, string> = {};
    req.headers.forEach((v, k) => {
      headers[k] = v;
    });
    const body = await req.clone().text();
    const res = await subscriber.handle(req);
    arrivals.push({ url: req.url, headers, body, status: res.status });
    return res;
  });
  subscriber = createWebSubSubscriber({
    callbackUrl: server.url,
    fetch: ctx.fetch as WebSubSubscriberOptions['fetch'],
    onContent: (c) => {
      received.push(c);
    },
  });
  const sub = subscriber;
  return {
    subscriber: sub,
    received,
    arrivals,
    async close() {
      sub.stop();
      await server.close();
    },
  };
}
