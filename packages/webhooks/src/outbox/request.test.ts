import { describe, expect, it } from 'vitest';
import { attemptHeaders, slackRetryHeaders } from './request.ts';

const msg = {
  id: 'msg_1',
  eventId: 'Ev1',
  eventType: 'message',
  body: '{}',
  headers: {},
  traceparent: null,
};
const target = { url: 'http://app.test/slack/events', scheme: 'slack' as const, secrets: ['s3cret'] };

describe('Slack retry headers', () => {
  it('a first attempt carries none', () => {
    const h = attemptHeaders(
      { ...msg, profile: 'slack', cycleStart: 0, lastFailureKind: null },
      target,
      1,
      0,
    );
    expect(h['x-slack-retry-num']).toBeUndefined();
    expect(h['x-slack-retry-reason']).toBeUndefined();
    expect(h['X-Slack-Signature']).toMatch(/^v0=[0-9a-f]{64}$/);
  });

  it('retries are numbered from 1, with the reason the previous attempt failed', () => {
    const retry = (attemptNo: number, lastFailureKind: 'timeout' | 'http' | 'connection') =>
      attemptHeaders({ ...msg, profile: 'slack', cycleStart: 0, lastFailureKind }, target, attemptNo, 0);
    expect(retry(2, 'timeout')).toMatchObject({
      'x-slack-retry-num': '1',
      'x-slack-retry-reason': 'http_timeout',
    });
    expect(retry(3, 'http')).toMatchObject({
      'x-slack-retry-num': '2',
      'x-slack-retry-reason': 'http_error',
    });
    expect(retry(4, 'connection')).toMatchObject({
      'x-slack-retry-num': '3',
      'x-slack-retry-reason': 'connection_failed',
    });
  });

  it('count from the start of the current cycle (after a replay, attempt 5 of a cycle begun at 4 is a first try)', () => {
    const h = attemptHeaders(
      { ...msg, profile: 'slack', cycleStart: 4, lastFailureKind: 'http' },
      target,
      5,
      0,
    );
    expect(h['x-slack-retry-num']).toBeUndefined();
    expect(slackRetryHeaders(2, 'dns')).toEqual({
      'x-slack-retry-num': '2',
      'x-slack-retry-reason': 'connection_failed',
    });
  });

  it('other profiles never get them', () => {
    for (const profile of ['stripe', 'standard'] as const) {
      const h = attemptHeaders({ ...msg, profile, cycleStart: 0, lastFailureKind: 'timeout' }, target, 3, 0);
      expect(Object.keys(h).filter((k) => k.startsWith('x-slack-retry'))).toEqual([]);
    }
  });
});
