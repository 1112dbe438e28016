import { describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { asDev, deliver, testContext } from '../test-support.ts';

type Page = { total: number; has_more: boolean; data: { id: string; subject: string }[] };

async function setup(env: Record<string, string> = {}) {
  const ctx = testContext(env);
  const app = asDev(createApp(ctx));
  const get = async (path: string) => {
    const res = await app(path);
    return { res, body: (await res.json()) as Record<string, unknown> };
  };
  return { ctx, app, get };
}

describe('/api/v1/messages', () => {
  it('lists newest first, in pages', async () => {
    const { ctx, get } = await setup();
    for (const n of [1, 2, 3]) await deliver(ctx, { subject: `m${n}` });
    const first = (await get('/api/v1/messages?limit=2')).body as unknown as Page;
    expect(first).toMatchObject({ total: 3, has_more: true });
    expect(first.data.map((m) => m.subject)).toEqual(['m3', 'm2']);
    const next = (await get(`/api/v1/messages?limit=2&starting_after=${first.data[1]!.id}`))
      .body as unknown as Page;
    expect(next).toMatchObject({ has_more: false });
    expect(next.data.map((m) => m.subject)).toEqual(['m1']);
  });

  it('finds by recipient (?to=, whole address, any case) and by words (?q=)', async () => {
    const { ctx, get } = await setup();
    await deliver(ctx, { to: 'ada@example.test', subject: 'Order confirmed', text: 'Linen dress' });
    await deliver(ctx, {
      to: 'bob@example.test',
      cc: 'ADA@example.test',
      subject: 'Copy',
      text: 'for Ada too',
    });
    await deliver(ctx, { to: 'ops@atelier.test', subject: 'Pick list', text: '100% linen_fabric' });
    await deliver(ctx, { to: 'sada@example.test', subject: 'Not Ada' });
    const to = (await get('/api/v1/messages?to=Ada@Example.test')).body as unknown as Page;
    expect(to.data.map((m) => m.subject)).toEqual(['Copy', 'Order confirmed']);
    const q = (await get('/api/v1/messages?q=linen%20dress')).body as unknown as Page;
    expect(q.data.map((m) => m.subject)).toEqual(['Order confirmed']);
    // LIKE's wildcards are searched for as themselves.
    const literal = (await get('/api/v1/messages?q=100%25%20linen_')).body as unknown as Page;
    expect(literal.data.map((m) => m.subject)).toEqual(['Pick list']);
  });

  it('gets one parsed, its raw source, and deletes one then all', async () => {
    const { ctx, app, get } = await setup();
    const id = await deliver(ctx, { subject: 'Hello', text: 'Hi Ada', headers: { 'X-Order': 'ord_1' } });
    const other = await deliver(ctx, { subject: 'Other' });
    const one = await get(`/api/v1/messages/${id}`);
    expect(String(one.body.text).trim()).toBe('Hi Ada');
    expect(one.body).toMatchObject({ id, subject: 'Hello', raw_url: `/api/v1/messages/${id}/raw` });
    expect(one.body.headers).toContainEqual({ name: 'x-order', value: 'ord_1' });
    const raw = await app(`/api/v1/messages/${id}/raw`);
    expect(raw.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await raw.text()).toMatch(/^X-Order: ord_1\r\n[\s\S]*Subject: Hello\r\n/);

    expect((await app(`/api/v1/messages/${id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await get(`/api/v1/messages/${id}`)).res.status).toBe(404);
    expect((await get(`/api/v1/messages/${other}`)).res.status).toBe(200);
    const all = await app('/api/v1/messages', { method: 'DELETE' });
    expect(await all.json()).toEqual({ deleted: 1 });
    expect(((await get('/api/v1/messages')).body as unknown as Page).total).toBe(0);
  });

  it('answers bad input with problem+json, whatever Accept says', async () => {
    const { app } = await setup();
    const cases: [string, string, number, string][] = [
      ['GET', '/api/v1/messages/msg_nope', 404, 'message_not_found'],
      ['GET', '/api/v1/messages/msg_nope/raw', 404, 'message_not_found'],
      ['DELETE', '/api/v1/messages/msg_nope', 404, 'message_not_found'],
      ['GET', '/api/v1/messages?limit=0', 400, 'validation_failed'],
      ['GET', '/api/v1/messages?limit=abc', 400, 'validation_failed'],
      ['GET', '/api/v1/messages?to=not-an-address', 400, 'validation_failed'],
      ['GET', '/api/v1/messages?starting_after=x', 400, 'validation_failed'],
      ['GET', `/api/v1/messages?starting_after=msg_${'0'.repeat(24)}`, 400, 'unknown_cursor'],
    ];
    for (const [method, path, status, code] of cases) {
      const res = await app(path, { method, headers: { accept: 'text/html' } });
      expect(res.status, path).toBe(status);
      expect(res.headers.get('content-type'), path).toBe('application/problem+json');
      expect(await res.json(), path).toMatchObject({ status, code });
    }
  });

  it('keeps at most MAILBOX_MAX_MESSAGES, dropping the oldest', async () => {
    const { ctx, get } = await setup({ MAILBOX_MAX_MESSAGES: '2' });
    for (const n of [1, 2, 3]) await deliver(ctx, { subject: `m${n}` });
    const page = (await get('/api/v1/messages')).body as unknown as Page;
    expect(page.data.map((m) => m.subject)).toEqual(['m3', 'm2']);
  });
});
