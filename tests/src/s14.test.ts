// S14 on the in-process stack: one purchase through every app — payments, shop, logistics, the notifier and
// Slack, the mailbox — with the customer's e-mails, the warehouse's pick list and a Slack message per step,
// all in one trace. Once on the embedded queue (a SQLite file) and once on real Redis Streams (REDIS_URL when
// set, else its own redis-server; skipped saying why when it is not installed, failed under
// HOOKLAB_REQUIRE_SERVICES=1).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContext, runScenario, type S14Result, scenarios } from '@hooklab/scenarios';
import { createTracedFetch } from '@hooklab/service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realEngines, realEnginesSuite } from './real-engines.ts';
import { type Stack, startStack } from './stack.ts';

const ACTORS = ['payments', 'logistics', 'shop', 'slack', 'notifier', 'mailbox'] as const;
const STAGES = {
  LOGISTICS_STAGE_MS: '20',
  LOGISTICS_QUOTE_MS: '300',
  PAYMENTS_PROCESSING_DELAY_MS: '300',
  SHOP_POLL_INTERVAL_MS: '200',
  NOTIFIER_REGISTER_RETRY_MS: '50',
};

async function runS14(stack: Stack, params: Record<string, string | number>) {
  const run = await runScenario(scenarios.S14!, {
    urls: stack.urls,
    keys: { payments: 'sk_test_hooklab', logistics: 'lg_test_hooklab' },
    params: { timeout_ms: 30_000, ...params },
    fetch: createTracedFetch({ from: 'client' }),
  });
  if (!run.ok) throw run.error;
  return { traceId: run.traceId, r: run.result as S14Result };
}

function expectS14(stack: Stack, { traceId, r }: Awaited<ReturnType<typeof runS14>>) {
  expect(r.traceId).toBe(traceId);
  expect(r.statuses).toEqual(expect.arrayContaining(['paid', 'fulfilled', 'delivered']));

  // The customer's two e-mails, sent by the shop through mailto:, filed by the mailbox in the run's trace.
  expect(r.emails.map((e) => e.subject)).toEqual([
    `Your Atelier order ${r.orderId} is confirmed`,
    `Your Atelier order ${r.orderId} has shipped (tracking ${r.shipment.tracking_number})`,
  ]);
  for (const e of r.emails) expect(e).toMatchObject({ sender: 'shop', traceId });
  expect(r.emails.map((e) => e.eventId)).toEqual([
    `order.confirmation.${r.orderId}`,
    `order.shipping_notice.${r.orderId}`,
  ]);

  // The pick list: a CloudEvent from logistics, consumed (and acked) once, in the trace.
  expect(r.pickList.lines).toBe(1);
  expect(r.pickList.id).toBe(`pick_list.created.${r.pickList.shipmentId}`);
  expect(r.pickList.traceparent).toContain(traceId);
  expect(r.pickList.deliveries).toBe(1);

  // A Slack message per step, in the configured channels.
  const said = r.slack.map((l) => `${l.channel} ${l.text}`);
  expect(said).toEqual(
    expect.arrayContaining([
      expect.stringMatching(new RegExp(`^#payments Payment of .* succeeded for order ${r.orderId}$`)),
      expect.stringMatching(new RegExp(`^#orders Order ${r.orderId} paid`)),
      expect.stringMatching(new RegExp(`^#orders Order ${r.orderId} shipped`)),
      // The tracking update (order.tracking_updated) in #shipping: status, where, and the carrier.
      expect.stringMatching(new RegExp(`^#shipping Order ${r.orderId}: in transit at .+ \\(.+\\)$`)),
      expect.stringMatching(new RegExp(`^#orders Order ${r.orderId} delivered`)),
    ]),
  );

  // One trace, read straight from each app's recorder: every actor has exchanges in it.
  const inTrace = (name: (typeof ACTORS)[number]) =>
    stack.apps[name]!.recorder.list({ traceId, limit: 5000 });
  for (const app of ACTORS) expect(inTrace(app).length, app).toBeGreaterThan(0);
  const shopOut = inTrace('shop').filter((e) => e.direction === 'out');
  // Both e-mails accepted by SMTP (250) on their first attempt: sent in the trace, not only queued in it.
  expect(shopOut.filter((e) => e.url.startsWith('mailto:') && e.status === 250).length).toBe(2);
  expect(inTrace('logistics').some((e) => e.url === 'queue:warehouse-picking')).toBe(true);
  const posts = inTrace('notifier').filter((e) => e.url.endsWith('/chat.postMessage'));
  expect(posts.length).toBeGreaterThanOrEqual(5);
  for (const p of posts) expect(p.requestHeaders.traceparent).toContain(traceId);
  expect(inTrace('mailbox').filter((e) => e.kind === 'email').length).toBeGreaterThanOrEqual(2);
}

const dir = mkdtempSync(join(tmpdir(), 'hooklab-s14-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('S14: the whole shop, end to end (embedded queue)', () => {
  let stack: Stack;
  const queueDb = join(dir, 'queues.sqlite');
  beforeAll(async () => {
    stack = await startStack([...ACTORS], { env: { ...STAGES, QUEUE_DB: queueDb } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('buys a dress to delivered: e-mails, pick list and Slack messages, every hop in one trace', async () => {
    const run = await runS14(stack, { queue_db: queueDb });
    expect(run.r.pickList.engine).toBe('sqlite');
    expectS14(stack, run);
  });

  it('keeps one trace of its own when run without the runner (a plain fetch, as the terminal does)', async () => {
    const ctx = createContext({
      scenario: 'S14',
      urls: stack.urls,
      params: { timeout_ms: 30_000, queue_db: queueDb },
    });
    const r = (await scenarios.S14!.run(ctx)) as S14Result;
    expectS14(stack, { traceId: r.traceId, r });
  });
});

realEnginesSuite('S14 with the pick list on real Redis Streams', ['redis'], () => {
  let stack: Stack;
  let engines: Awaited<ReturnType<typeof realEngines>> | undefined;
  let redisUrl = '';
  beforeAll(async () => {
    engines = await realEngines(['redis']);
    redisUrl = engines.urls.redis!;
    stack = await startStack([...ACTORS], { env: { ...STAGES, REDIS_URL: redisUrl } });
  });
  afterAll(async () => {
    await stack?.stop();
    await engines?.stop();
  });

  it('the same purchase, the same guarantees, the pick list through Redis', async () => {
    const run = await runS14(stack, { redis_url: redisUrl });
    expect(run.r.pickList.engine).toBe('redis');
    expectS14(stack, run);
  });
});
