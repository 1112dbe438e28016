// S08 against the in-process stack (logistics + mailbox): once on the embedded engines (the SQLite queue,
// the in-process aedes broker) and once on real Redis and mosquitto. The real run uses REDIS_URL and
// MQTT_URL when set (CI starts both), else starts its own servers; it skips saying why when they are not
// installed, and fails instead under HOOKLAB_REQUIRE_SERVICES=1.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContext, type S08Result, scenarios } from '@hooklab/scenarios';
import { setTransportFault, transportFault } from '@hooklab/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realEngines, realEnginesSuite } from './real-engines.ts';
import { freePort, type Stack, startStack } from './stack.ts';

const dir = mkdtempSync(join(tmpdir(), 'hooklab-s08-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function runS08(stack: Stack, params: Record<string, string | number | boolean>) {
  const scenario = scenarios.S08!;
  const ctx = createContext({
    scenario: 'S08',
    urls: stack.urls,
    keys: { logistics: 'lg_test_hooklab' },
    params: { shipments_per_target: 2, ...params },
  });
  const result = (await scenario.run(ctx)) as S08Result;
  const steps = ctx.narration.flatMap((n) => (n.text.startsWith('step ') && n.step !== null ? [n.step] : []));
  expect(steps).toEqual(scenario.steps.map((_, i) => i));
  return result;
}

function expectS08(result: S08Result) {
  expect(result.refused.map((r) => r.status)).toEqual([400, 400, 400, 400]);
  // Two shipments per target, each: shipment.fulfilled, tracking.updated…, shipment.delivered.
  expect(result.http.events).toBeGreaterThanOrEqual(6);
  expect(result.email.mails).toBeGreaterThanOrEqual(6);
  expect(result.queue.messages).toBeGreaterThanOrEqual(6);
  expect(result.queue.duplicates).toBe(0);
  expect(result.topic.messages).toBeGreaterThanOrEqual(6);
  expect(result.topic.perSubscriber).toEqual([
    result.topic.messages,
    result.topic.messages,
    result.topic.messages,
  ]);
}

describe('S08 on the embedded engines (SQLite queue, aedes)', () => {
  let stack: Stack;
  const queueDb = join(dir, 'queues.sqlite');
  let topicPort = 0;
  beforeAll(async () => {
    topicPort = await freePort();
    stack = await startStack(['logistics', 'mailbox'], {
      env: { LOGISTICS_STAGE_MS: '20', QUEUE_DB: queueDb, TOPIC_BROKER_PORT: String(topicPort) },
    });
  });
  afterAll(() => stack?.stop());

  it('one kind of event reaches HTTP, mailto:, a queue (each once) and a topic (each subscriber all)', {
    timeout: 60_000,
  }, async () => {
    const result = await runS08(stack, { queue_db: queueDb, topic_port: topicPort });
    expect(result.engines).toEqual({ queue: 'sqlite', topic: 'embedded' });
    expectS08(result);
    expect(result.faults).toEqual({});
  });

  it('faults: a consumer crashes before its ack → redelivered to the other; the broker goes down → attempts fail, are retried, arrive', {
    timeout: 90_000,
  }, async () => {
    const result = await runS08(stack, {
      queue_db: queueDb,
      topic_port: topicPort,
      consumer_crash_before_ack: true,
      broker_down_ms: 1500,
    });
    expectS08(result);
    const crash = result.faults.consumerCrash!;
    expect(crash.redeliveredTo).not.toBe(crash.crashed);
    expect(crash.deliveries).toBeGreaterThanOrEqual(2);
    expect(result.queue.byConsumer[crash.redeliveredTo]).toBeGreaterThanOrEqual(1);
    const down = result.faults.brokerDown!;
    expect(down.failedAttempts).toBeGreaterThanOrEqual(1);
    expect(down.retriedDelivered).toBeGreaterThanOrEqual(1);
    expect(down.messages).toBe(result.topic.messages);
    // What S08 switched on the board is off again.
    expect(transportFault()).toMatchObject({ brokerDown: false, consumerCrashes: 0 });
  });

  it("a broker left switched down (the console's switch) stops S08 at its first step with a plain sentence", async () => {
    await setTransportFault({ brokerDown: true });
    try {
      const ctx = createContext({
        scenario: 'S08',
        urls: stack.urls,
        keys: { logistics: 'lg_test_hooklab' },
        params: { queue_db: queueDb, topic_port: topicPort },
      });
      await expect(scenarios.S08!.run(ctx)).rejects.toThrow(
        /the topic broker is switched down .*Switch it back up/,
      );
      expect(ctx.narration.map((n) => n.text)).toContainEqual(
        expect.stringMatching(/^the topic broker is switched down/),
      );
    } finally {
      await setTransportFault({ brokerDown: false });
    }
  });
});

realEnginesSuite('S08 on real Redis Streams and mosquitto', ['redis', 'mqtt'], () => {
  let stack: Stack;
  let engines: Awaited<ReturnType<typeof realEngines>> | undefined;
  let redisUrl = '';
  let mqttUrl = '';
  beforeAll(async () => {
    engines = await realEngines(['redis', 'mqtt']);
    redisUrl = engines.urls.redis!;
    mqttUrl = engines.urls.mqtt!;
    stack = await startStack(['logistics', 'mailbox'], {
      env: { LOGISTICS_STAGE_MS: '20', REDIS_URL: redisUrl, MQTT_URL: mqttUrl },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await engines?.stop();
  });

  it('the same scenario, the same guarantees, on Redis and MQTT', { timeout: 60_000 }, async () => {
    const result = await runS08(stack, { redis_url: redisUrl, mqtt_url: mqttUrl });
    expect(result.engines).toEqual({ queue: 'redis', topic: 'mqtt' });
    expectS08(result);
  });

  it('faults on the board: a consumer crashes before its ack → Redis redelivers it to the other; the broker goes down → publishes to mosquitto refused, retried, delivered', {
    timeout: 90_000,
  }, async () => {
    const result = await runS08(stack, {
      redis_url: redisUrl,
      mqtt_url: mqttUrl,
      consumer_crash_before_ack: true,
      broker_down_ms: 1000,
    });
    expectS08(result);
    const crash = result.faults.consumerCrash!;
    expect(crash.redeliveredTo).not.toBe(crash.crashed);
    expect(crash.deliveries).toBeGreaterThanOrEqual(2);
    const down = result.faults.brokerDown!;
    expect(down.failedAttempts).toBeGreaterThanOrEqual(1);
    expect(down.retriedDelivered).toBeGreaterThanOrEqual(1);
    expect(down.messages).toBe(result.topic.messages);
    expect(transportFault()).toMatchObject({ brokerDown: false, consumerCrashes: 0 });
  });
});
