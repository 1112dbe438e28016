import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raw, SK, startTestServer, type TestServer } from '../test-support.ts';

const form = { 'content-type': 'application/x-www-form-urlencoded' };

describe('auth', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  it('401 without a key, with an unknown key, with a broken header', async () => {
    for (const init of [
      { key: null },
      { key: 'sk_test_wrong' },
      { key: null, headers: { authorization: 'Token abc' } },
    ]) {
      const res = await raw(s.url, '/v1/payment_intents', init);
      expect(res.status).toBe(401);
      const body = await res.json();
      expect(body.error.type).toBe('invalid_request_error');
      expect(body.error.code).toMatch(/^api_key_/);
    }
    const masked = await (await raw(s.url, '/v1/payment_intents', { key: 'sk_test_secretvalue1234' })).json();
    expect(masked.error.message).toBe('Invalid API Key provided: sk_test_****1234');
  });

  it('accepts Basic auth with the key as user name', async () => {
    const res = await raw(s.url, '/v1/payment_intents', {
      key: null,
      headers: { authorization: `Basic ${Buffer.from(`${SK}:`).toString('base64')}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('request-id')).toMatch(/^req_/);
  });

  it('403 permission_error for the read-only key on a write', async () => {
    const res = await raw(s.url, '/v1/payment_intents', {
      key: 'rk_test_hooklab',
      method: 'POST',
      headers: form,
      body: 'amount=100&currency=eur',
    });
    expect(res.status).toBe(403);
    expect((await res.json()).error).toMatchObject({
      type: 'permission_error',
      code: 'insufficient_permissions',
    });
  });

  it('JSON for unknown routes, with and without /v1', async () => {
    const a = await raw(s.url, '/v1/customers');
    expect(a.status).toBe(404);
    expect((await a.json()).error.message).toContain('Unrecognized request URL (GET: /v1/customers)');
    const b = await raw(s.url, '/nowhere');
    expect(b.status).toBe(404);
    expect(b.headers.get('content-type')).toContain('application/json');
  });
});
