// S14 on the in-process stack: one purchase through every app — payments, shop, logistics, the notifier and
// Slack, the mailbox — with the customer's e-mails, the warehouse's pick list and a Slack message per step,
// all in one trace.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScenario, type S14Result, scenarios } from '@hooklab/scenarios';
import { createTracedFetch } from '@hooklab/service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from './stack.ts';

let stack: Stack;
const dir = mkdtempSync(join(tmpdir(), 'hooklab-s14-'));
const queueDb = join(dir, 'queues.sqlite');

beforeAll(async () => {
  stack = await startStack(['payments', 'logistics', 'shop', 'slack', 'notifier', 'mailbox'], {
    env: {
      QUEUE_DB: queueDb,
      LOGISTICS_STAGE_MS: '20',
      LOGISTICS_QUOTE_MS: '300',
      PAYMENTS_PROCESSING_DELAY_MS: '300',
      SHOP_POLL_INTERVAL_MS: '200',
      NOTIFIER_REGISTER_RETRY_MS: '50',
    },
  });
});
afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('S14: the whole shop, end to end', () => {
  it('buys a dress to delivered: e-mails, pick list and Slack messages, every hop in one trace', async () => {
    const run = await runScenario(scenarios.S14!, {
      urls: stack.urls,
      keys: { payments: 'sk_test_hooklab', logistics: 'lg_test_hooklab' },
      params: { timeout_ms: 30_000, queue_db: queueDb },
      fetch: createTracedFetch({ from: 'client' }),
    });
    if (!run.ok) throw run.error;
    const r = run.result as S14Result;
    expect(r.traceId).toBe(run.traceId);
    expect(r.statuses).toEqual(expect.arrayContaining(['paid', 'fulfilled', 'delivered']));

    // The customer's two e-mails, sent by the shop through mailto:, filed by the mailbox in the run's trace.
    expect(r.emails.map((e) => e.subject)).toEqual([
      `Your Atelier order ${r.orderId} is confirmed`,
      `Your Atelier order ${r.orderId} has shipped (tracking ${r.shipment.tracking_number})`,
    ]);
    for (const e of r.emails) expect(e).toMatchObject({ sender: 'shop', traceId: run.traceId });
    expect(r.emails.map((e) => e.eventId)).toEqual([
      `order.confirmation.${r.orderId}`,
      `order.shipping_notice.${r.orderId}`,
    ]);

    // The pick list: a CloudEvent from logistics, consumed (and acked) once, in the trace.
    expect(r.pickList.lines).toBe(1);
    expect(r.pickList.id).toBe(`pick_list.created.${r.pickList.shipmentId}`);
    expect(r.pickList.traceparent).toContain(run.traceId);
    expect(r.pickList.deliveries).toBe(1);

    // A Slack message per step, in the configured channels.
    const said = r.slack.map((l) => `${l.channel} ${l.text}`);
    expect(said).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^#payments Payment of .* succeeded for order ${r.orderId}$`)),
        expect.stringMatching(new RegExp(`^#orders Order ${r.orderId} paid`)),
        expect.stringMatching(new RegExp(`^#orders Order ${r.orderId} shipped`)),
        expect.stringMatching(new RegExp(`^#orders Order ${r.orderId} delivered`)),
      ]),
    );

    // One trace, read straight from each app's recorder: every actor has exchanges in it, of every kind.
    const inTrace = (name: keyof typeof stack.apps) =>
      stack.apps[name]!.recorder.list({ traceId: run.traceId, limit: 5000 });
    for (const app of ['payments', 'shop', 'logistics', 'slack', 'notifier', 'mailbox'] as const)
      expect(inTrace(app).length, app).toBeGreaterThan(0);
    const shopOut = inTrace('shop').filter((e) => e.direction === 'out');
    // Both e-mails accepted by SMTP (250) on their first attempt: sent in the trace, not only queued in it.
    expect(shopOut.filter((e) => e.url.startsWith('mailto:') && e.status === 250).length).toBe(2);
    expect(inTrace('logistics').some((e) => e.url === 'queue:warehouse-picking')).toBe(true);
    const posts = inTrace('notifier').filter((e) => e.url.endsWith('/chat.postMessage'));
    expect(posts.length).toBeGreaterThanOrEqual(4);
    for (const p of posts) expect(p.requestHeaders.traceparent).toContain(run.traceId);
    expect(inTrace('mailbox').filter((e) => e.kind === 'email').length).toBeGreaterThanOrEqual(2);
  });
});
