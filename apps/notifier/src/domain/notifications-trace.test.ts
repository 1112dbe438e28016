import { createTracedFetch, ExchangeRecorder, formatTraceparent, newTrace } from '@hooklab/service';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { SHOP_SECRET, startSlackApiRecorder, testContext } from '../test-support.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('the post to Slack joins the webhook’s trace', () => {
  it('chat.postMessage carries the traceparent of the webhook that brought the event, as a child span', async () => {
    const slack = await startSlackApiRecorder();
    const recorder = new ExchangeRecorder('notifier');
    const ctx = testContext(
      { SLACK_API_URL: slack.apiUrl },
      { recorder, fetch: createTracedFetch({ from: 'notifier', recorder, nameOf: () => 'slack' }) },
    );
    ctx.jobs.start();
    cleanups.push(
      () => slack.close(),
      () => ctx.jobs.stop(),
      () => ctx.close(),
    );
    const raw = JSON.stringify({
      type: 'order.fulfilled',
      timestamp: new Date().toISOString(),
      data: { order_id: 'ord_trace01', status: 'fulfilled', carrier: 'colissimo', tracking_number: 'CP1' },
    });
    const trace = newTrace();
    const now = new Date();
    const res = await createApp(ctx).request('/webhooks/shop', {
      method: 'POST',
      body: raw,
      headers: {
        'content-type': 'application/json',
        traceparent: formatTraceparent(trace),
        'webhook-id': 'msg_trace_1',
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': new Webhook(SHOP_SECRET).sign('msg_trace_1', now, raw),
      },
    });
    expect(res.status).toBe(200);
    await slack.waitFor((c) => c.method === 'chat.postMessage');
    // Recorded once the client has read Slack's answer.
    const recorded = () =>
      recorder.list({ limit: 100 }).find((e) => e.direction === 'out' && e.url.endsWith('/chat.postMessage'));
    await expect.poll(recorded, { timeout: 5000 }).toBeDefined();
    const post = recorded();
    expect(post?.traceId).toBe(trace.traceId);
    expect(post?.requestHeaders.traceparent).toContain(trace.traceId);
    // Its own span under the webhook's handling, not the sender's span reused.
    expect(post?.spanId).not.toBe(trace.spanId);
    expect(post?.parentSpanId).toBeDefined();
  });
});
