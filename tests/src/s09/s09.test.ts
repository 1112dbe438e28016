import { createContext, type S09Result, scenarios } from '@hooklab/scenarios';
import type { RunningApp } from '@hooklab/service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver } from './receiver.ts';
import { startSender } from './sender.ts';

describe('S09 — at-most-once versus at-least-once during a receiver outage', () => {
  let sender: RunningApp;
  let receiver: RunningApp;
  beforeAll(async () => {
    sender = await startSender();
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await sender?.close();
    await receiver?.close();
  });

  it('loses every fire-and-forget event and none of the outbox events, both counted', async () => {
    const ctx = createContext({
      scenario: 'S09',
      urls: {} as never,
      params: { sender_url: sender.url, receiver_url: receiver.url, events: 25 },
    });
    const result = (await scenarios.S09!.run(ctx)) as S09Result;
    expect(result.atMostOnce).toMatchObject({ sent: 0, dropped: 25, received: 0, lost: 25 });
    expect(result.atLeastOnce).toMatchObject({ received: 25, lost: 0, handlerRunsMax: 1 });
    expect(result.atLeastOnce.attempts).toBeGreaterThan(25);
    expect(ctx.narration.some((n) => n.text.includes('lost 0/25'))).toBe(true);
  });
});
