import { describe, expect, it } from 'vitest';
import { receiveDepsOf } from '../context.ts';
import { testContext } from '../test-support.ts';
import { MessageRejected } from './messages.ts';
import { receiveMessage, senderOf } from './receive.ts';

describe('senderOf', () => {
  it('takes X-Hooklab-From, else a Hooklab service named by the envelope sender, else client', () => {
    expect(senderOf('Notifier', 'noreply@atelier.test')).toBe('notifier');
    expect(senderOf(null, 'shop@hooklab.test')).toBe('shop');
    expect(senderOf(null, 'ada@example.test')).toBe('client');
    expect(senderOf('not a name!', 'ada@example.test')).toBe('client');
    expect(senderOf(null, '')).toBe('client');
  });
});

describe('receiveMessage', () => {
  it('starts a new trace for mail without a traceparent, and ignores a malformed one', async () => {
    const ctx = testContext();
    const deps = receiveDepsOf(ctx);
    await receiveMessage(deps, Buffer.from('Subject: a\r\ntraceparent: 00-zz-yy-01\r\n\r\nx'), {
      from: 'ada@example.test',
      to: ['b@example.test'],
    });
    const [e] = ctx.recorder.list();
    expect(e).toMatchObject({ kind: 'email', from: 'client', status: 250 });
    expect(e!.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(e!.parentSpanId).toBeUndefined();
  });

  it('records a refused message with its SMTP code and stores nothing', async () => {
    const ctx = testContext();
    await expect(
      receiveMessage(receiveDepsOf(ctx), Buffer.from('no header here'), {
        from: 'shop@hooklab.test',
        to: ['a@b.test'],
      }),
    ).rejects.toBeInstanceOf(MessageRejected);
    expect(ctx.recorder.list()).toMatchObject([{ kind: 'email', from: 'shop', status: 554 }]);
    expect(ctx.sqlite.prepare('select count(*) as n from messages').get()).toEqual({ n: 0 });
  });
});
