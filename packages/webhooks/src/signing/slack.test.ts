import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { WebhookVerificationError } from './errors.ts';
import { signSlack, verifySlack } from './slack.ts';

// The worked example in Slack's "Verifying requests from Slack" documentation.
const DOC = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: '1531420618',
  body:
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V' +
    '&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=' +
    '&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN' +
    '&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};

const T = 1_700_000_000;
const AT = T * 1000;

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof WebhookVerificationError) return err.code;
    throw err;
  }
  return 'accepted';
}

describe('Slack v0 signing', () => {
  it("reproduces Slack's documented example", () => {
    const headers = signSlack({ timestampSec: Number(DOC.timestamp), body: DOC.body, secrets: DOC.secret });
    expect(headers).toEqual({
      'X-Slack-Request-Timestamp': DOC.timestamp,
      'X-Slack-Signature': DOC.signature,
    });
    expect(
      verifySlack({ body: DOC.body, headers, secrets: DOC.secret, now: Number(DOC.timestamp) * 1000 }),
    ).toEqual({ timestampSec: Number(DOC.timestamp) });
  });

  it('matches an HMAC computed independently', () => {
    const expected = createHmac('sha256', 'slack-secret')
      .update('v0:1700000000:{"event_id":"Ev1"}')
      .digest('hex');
    expect(
      signSlack({ timestampSec: T, body: '{"event_id":"Ev1"}', secrets: ['slack-secret', 'unused'] }),
    ).toEqual({
      'X-Slack-Request-Timestamp': '1700000000',
      'X-Slack-Signature': `v0=${expected}`,
    });
  });

  it('accepts any of several candidate secrets', () => {
    const headers = signSlack({ timestampSec: T, body: 'x', secrets: 'new-secret' });
    expect(verifySlack({ body: 'x', headers, secrets: ['old-secret', 'new-secret'], now: AT })).toEqual({
      timestampSec: T,
    });
  });
});

describe('Slack v0 refusals', () => {
  const body = '{"type":"event_callback","event_id":"Ev1"}';
  const headers = signSlack({ timestampSec: T, body, secrets: 'slack-secret' });
  const verify = (over: Partial<Parameters<typeof verifySlack>[0]>) => () =>
    verifySlack({ body, headers, secrets: 'slack-secret', now: AT, ...over });

  it('refuses tampering, the wrong secret and a 5-minute-old or future request', () => {
    expect(codeOf(verify({ body: body + ' ' }))).toBe('no_matching_signature');
    expect(codeOf(verify({ secrets: 'other' }))).toBe('no_matching_signature');
    expect(codeOf(verify({ now: AT + 301_000 }))).toBe('timestamp_too_old');
    expect(codeOf(verify({ now: AT - 301_000 }))).toBe('timestamp_too_new');
  });

  it('refuses missing and garbage headers', () => {
    expect(codeOf(verify({ headers: { 'X-Slack-Signature': headers['X-Slack-Signature'] } }))).toBe(
      'missing_header',
    );
    expect(codeOf(verify({ headers: { ...headers, 'X-Slack-Signature': 'v1=abc' } }))).toBe(
      'malformed_header',
    );
    expect(codeOf(verify({ headers: { ...headers, 'X-Slack-Request-Timestamp': '1e9' } }))).toBe(
      'malformed_header',
    );
    expect(codeOf(verify({ headers: { ...headers, 'X-Slack-Signature': 'v0=' } }))).toBe(
      'no_matching_signature',
    );
  });
});
