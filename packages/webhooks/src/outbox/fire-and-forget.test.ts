import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxInputError } from './errors.ts';
import { createFireAndForget } from './fire-and-forget.ts';
import { startTestReceiver, type TestReceiver } from './test-receiver.ts';

let receiver: TestReceiver;
beforeAll(async () => {
  receiver = await startTestReceiver();
});
afterAll(() => receiver.close());

const msg = (url: string, i: number) => ({
  endpointId: 'ep_1',
  url,
  eventType: 'ping',
  eventId: `evt_${i}`,
  body: '{}',
  signing: { scheme: 'stripe' as const, secrets: ['whsec_test'] },
});

describe('at-most-once (fire and forget)', () => {
  it('sends once, signed, and counts drops when the receiver is down', async () => {
    const sender = createFireAndForget({ timeoutMs: 500 });
    const ok = await sender.send(msg(`${receiver.url}/ff`, 1));
    expect(ok).toMatchObject({ outcome: 'sent', statusCode: 200 });
    expect(receiver.requests.at(-1)?.headers['stripe-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const down = await sender.send(msg('http://127.0.0.1:1/down', 2));
    expect(down).toMatchObject({ outcome: 'dropped', failureKind: 'connection' });
    receiver.setHandler(() => ({ status: 503 }));
    const refused = await sender.send(msg(`${receiver.url}/ff`, 3));
    expect(refused).toMatchObject({ outcome: 'dropped', failureKind: 'http', statusCode: 503 });
    expect(sender.stats()).toEqual({ sent: 1, dropped: 2, inFlight: 0 });
    expect(receiver.requests.filter((r) => r.path === '/ff')).toHaveLength(2);
    receiver.setHandler(() => ({ status: 200 }));
    sender.close();
  });

  it('drops instead of queueing beyond maxInFlight', async () => {
    const sender = createFireAndForget({ maxInFlight: 1 });
    const [a, b] = await Promise.all([
      sender.send(msg(`${receiver.url}/ff2`, 1)),
      sender.send(msg(`${receiver.url}/ff2`, 2)),
    ]);
    expect(a.outcome).toBe('sent');
    expect(b).toMatchObject({ outcome: 'dropped', failureKind: 'overload' });
    sender.close();
  });

  it('rejects malformed input with OutboxInputError', () => {
    const sender = createFireAndForget();
    expect(() => sender.send({ url: 'x' } as never)).toThrow(OutboxInputError);
    expect(() => createFireAndForget(null as never)).toThrow(OutboxInputError);
    sender.close();
  });
});
