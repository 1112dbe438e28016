import { createTracedFetch, parseTraceparent, serviceUrls } from '@hooklab/service';
import { describe, expect, it } from 'vitest';
import { parseScenarioParams, SCENARIO_IDS, scenarioCatalog } from './catalog.ts';
import { scenarios } from './registry.ts';
import { runScenario } from './runner.ts';
import { check, defineScenario } from './scenario.ts';

describe('scenario catalog', () => {
  it('lists S01–S15 in order, built exactly when registered, each with a title and a story', () => {
    const list = scenarioCatalog();
    expect(list.map((s) => s.id)).toEqual(SCENARIO_IDS);
    for (const s of list) {
      expect(s.built).toBe(Boolean(scenarios[s.id]));
      expect(s.title.length).toBeGreaterThan(3);
      expect(s.story.length).toBeGreaterThan(20);
      if (s.built) expect(s.steps).toEqual(scenarios[s.id]!.steps);
    }
    // S14 was the last: every scenario of the design is built.
    expect(list.filter((s) => !s.built).map((s) => s.id)).toEqual([]);
  });

  it('checks a runner’s parameters: types, bounds, required, unknown names', () => {
    expect(
      parseScenarioParams('S04', { sku: 'DR-002', skip_out_of_stock: 'on', timeout_ms: '5000' }),
    ).toEqual({
      ok: true,
      params: { sku: 'DR-002', skip_out_of_stock: true, timeout_ms: 5000 },
    });
    expect(parseScenarioParams('S04', { sku: '' })).toEqual({ ok: true, params: {} });
    const bad = parseScenarioParams('S04', { timeout_ms: 'soon', colour: 'red' });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.issues.join('\n')).toMatch(/timeout_ms/);
    expect(!bad.ok && bad.issues.join('\n')).toMatch(/colour/);
    const missing = parseScenarioParams('S09', { events: 3 });
    expect(!missing.ok && missing.issues.join('\n')).toMatch(/sender_url/);
  });
});

describe('runScenario', () => {
  it('runs every call of a scenario in one trace and hands each narrated line over as it happens', async () => {
    const seen: (string | null)[] = [];
    const fetch = createTracedFetch({
      from: 'test',
      fetch: async (input) => {
        seen.push((input as Request).headers.get('traceparent'));
        return new Response('{}');
      },
    });
    const demo = defineScenario({
      id: 'S01',
      title: 'demo',
      story: 'two calls',
      actors: [],
      steps: ['first', 'second'],
      async run(ctx) {
        ctx.step(0);
        await ctx.fetch('http://localhost:1/a');
        ctx.step(1);
        await ctx.fetch('http://localhost:1/b');
        ctx.say('done', { n: 2 });
        return 2;
      },
    });
    const lines: string[] = [];
    const run = await runScenario(demo, {
      urls: serviceUrls({}),
      fetch,
      onNarration: (n) => lines.push(n.text),
    });
    expect(run.ok && run.result).toBe(2);
    expect(lines).toEqual(['step 1', 'step 2', 'done']);
    const traces = seen.map((h) => parseTraceparent(h)?.traceId);
    expect(traces).toEqual([run.traceId, run.traceId]);
  });

  it('returns a failed expectation with the narration so far instead of throwing', async () => {
    const failing = defineScenario({
      id: 'S02',
      title: 'fails',
      story: '',
      actors: [],
      steps: ['only'],
      async run(ctx) {
        ctx.step(0);
        check(false, 'the story did not hold');
      },
    });
    const run = await runScenario(failing, { urls: serviceUrls({}) });
    expect(run.ok).toBe(false);
    expect(!run.ok && run.error.message).toBe('the story did not hold');
    expect(run.narration.map((n) => n.text)).toEqual(['step 1']);
  });
});
