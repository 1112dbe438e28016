import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { bodyLimit } from './body-limit.ts';
import { readRawBody } from './raw-body.ts';

function app(onTooLarge?: Parameters<typeof bodyLimit>[0]['onTooLarge']) {
  const a = new Hono();
  a.post('/echo', bodyLimit({ maxBytes: 16, onTooLarge }), async (c) => {
    const raw = await readRawBody(c);
    const parsed = (await c.req.json()) as unknown;
    return c.json({ raw, parsed, again: await readRawBody(c) });
  });
  return a;
}

const streamed = (text: string) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (const ch of text) controller.enqueue(new TextEncoder().encode(ch));
      controller.close();
    },
  });

describe('bodyLimit', () => {
  it('refuses a declared oversize body with a 413 problem+json', async () => {
    const res = await app().request('/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'far too long for sixteen bytes' }),
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ status: 413, code: 'payload_too_large' });
  });

  it('counts a streamed body without Content-Length too', async () => {
    const res = await app().request('/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: streamed('{"name":"also far too long"}'),
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect((await res.json()).code).toBe('payload_too_large');
  });

  it("answers in the app's format when given onTooLarge", async () => {
    const res = await app((c) => c.text('too big', 413)).request('/echo', {
      method: 'POST',
      body: 'x'.repeat(17),
    });
    expect(res.status).toBe(413);
    expect(await res.text()).toBe('too big');
  });
});

describe('readRawBody', () => {
  it('reads the body once, after a body limit, and leaves it for c.req.json()', async () => {
    const res = await app().request('/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: streamed('{"a": 1}'),
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ raw: '{"a": 1}', parsed: { a: 1 }, again: '{"a": 1}' });
  });
});
