// S12 on the in-process stack: the scenario's own receiver registers (CRC), adds #dresses, gets the
// matching posts signed and verified, never the one without it, beside a poller with its counts.
import { createContext, type S12Result, scenarios } from '@hooklab/scenarios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from './stack.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack(['social']);
});
afterAll(async () => {
  await stack?.stop();
});

describe('S12: hashtag posts → webhooks, beside a poller', () => {
  it('delivers every #dresses post signed, none without it, and counts the poller’s requests', async () => {
    const scenario = scenarios.S12!;
    const ctx = createContext({
      scenario: 'S12',
      urls: stack.urls,
      params: { posts: 3, poll_interval_ms: 300, post_interval_ms: 200 },
    });
    const result = (await scenario.run(ctx)) as S12Result;
    const steps = ctx.narration.flatMap((n) =>
      n.text.startsWith('step ') && n.step !== null ? [n.step] : [],
    );
    expect(steps).toEqual(scenario.steps.map((_, i) => i));
    expect(result.posts).toBe(4);
    expect(result.push).toMatchObject({ deliveries: 4, refused: 0, crcChecks: 1 });
    // Counted, not computed: at least one request per post found, and the empty ones are among them.
    expect(result.polling.requests).toBeGreaterThanOrEqual(2);
    expect(result.polling.empty).toBeLessThan(result.polling.requests);
    expect(result.polling.stalenessMs.p50).not.toBeNull();
    // The scenario cleans up after itself.
    const auth = { authorization: 'Bearer AAAAAAAAAAAAAAAAAAAAAHooklabNotifierDevBearer' };
    const hooks = await (await fetch(`${stack.urls.social}/2/webhooks`, { headers: auth })).json();
    expect(hooks.data).toEqual([]);
  });
});
