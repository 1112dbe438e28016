// Callback targets beyond HTTP (mailto:, queue:, topic:) are accepted wherever a callback URL is, and
// checked at registration: an unknown scheme, a malformed address or a bad queue/topic name is a 400.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestLogistics, json, order } from '../test-support.ts';

let t: ReturnType<typeof createTestLogistics>;
beforeEach(() => {
  t = createTestLogistics();
});
afterEach(async () => {
  await t.close();
});

const quote = (callback_url: string) => ({
  origin_postal_code: '75001',
  destination_postal_code: '69001',
  weight_grams: 800,
  callback_url,
});

describe('callback schemes at registration', () => {
  it('accepts mailto:, queue: and topic: as callback_url and notify_url, stored as given', async () => {
    const res = await t.app.request(
      '/v1/shipments',
      json(order({ callback_url: 'mailto:ops@atelier.test', notify_url: 'queue:pick-lists' })),
    );
    expect(res.status).toBe(202);
    const body = await res.json();
    expect(body).toMatchObject({ callback_url: 'mailto:ops@atelier.test', notify_url: 'queue:pick-lists' });
    const q = await t.app.request('/v1/quotes', json(quote('topic:quotes/eu')));
    expect(q.status).toBe(202);
    const m = await t.app.request('/v1/manifests', json({ callback_url: 'queue:manifests' }));
    expect(m.status).toBe(202);
  });

  it.each([
    ['sqs:orders', /unsupported callback scheme \\"sqs:\\"/],
    ['mailto:not-an-address', /mailto: needs one e-mail address/],
    ['mailto:a@b.test?cc=c@d.test', /mailto: needs one e-mail address/],
    ['queue:two words', /queue: needs a name/],
    ['queue:', /queue: needs a name/],
    ['topic:shipments/#', /topic: needs 1–8 levels/],
    ['topic:a//b', /topic: needs 1–8 levels/],
  ])('refuses %s with a 400 problem naming the field', async (target, message) => {
    for (const field of ['callback_url', 'notify_url']) {
      const res = await t.app.request('/v1/shipments', json(order({ [field]: target })));
      expect(res.status, `${field}=${target}`).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      const problem = await res.json();
      expect(problem).toMatchObject({ code: 'validation_failed' });
      expect(JSON.stringify(problem)).toMatch(message);
      expect(JSON.stringify(problem)).toContain(field);
    }
    const q = await t.app.request('/v1/quotes', json(quote(target)));
    expect(q.status).toBe(400);
  });
});
