import { describe, expect, it } from 'vitest';
import { connectionFailure, startAttempt, withinDeadline } from './attempt.ts';

describe('one non-HTTP attempt', () => {
  it('is ok when the work settles within the deadline, timeout when it does not, and fails as the work fails', async () => {
    expect(await withinDeadline(Promise.resolve('stored'), 1000)).toBe('ok');
    expect(await withinDeadline(new Promise(() => {}), 10)).toBe('timeout');
    await expect(withinDeadline(Promise.reject(new Error('ECONNREFUSED')), 1000)).rejects.toThrow(
      'ECONNREFUSED',
    );
  });

  it('stamps an outcome with no response headers and a duration', () => {
    const done = startAttempt();
    const result = done(connectionFailure('MQTT broker unreachable'));
    expect(result).toMatchObject({
      ok: false,
      statusCode: null,
      failureKind: 'connection',
      excerpt: 'MQTT broker unreachable',
      headers: {},
    });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });
});
