import { createHash } from 'node:crypto';
import { createManualClock } from '@hooklab/webhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { auth, createTestLogistics, json, OTHER_KEY, order, startReceiver } from '../test-support.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('POST /v1/manifests (S07 claim check)', () => {
  it('writes a 10 MB manifest to the blob store; the callback stays under 2 KB; the signed URL serves it intact', async () => {
    const r = await startReceiver();
    cleanups.push(() => r.close());
    const t = createTestLogistics();
    cleanups.push(() => t.close());
    await t.listen();
    await t.startWorkers();
    for (let i = 0; i < 3; i++) await t.app.request('/v1/shipments', json(order({ order_id: `ord_m${i}` })));

    const res = await t.app.request(
      '/v1/manifests',
      json({ callback_url: `${r.url}/manifests`, min_bytes: 10 * 1024 * 1024 }),
    );
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toMatch(/^\/v1\/manifests\/man_/);
    const [event] = await r.nextEvents(1, undefined, 20_000);
    const callback = r.requests.find((x) => x.method === 'POST')!;
    expect(Buffer.byteLength(callback.body)).toBeLessThan(2048);
    expect(event!.type).toBe('manifest.ready');
    expect(Object.keys(event!.data).sort()).toEqual([
      'content_type',
      'date',
      'expires_at',
      'manifest_id',
      'sha256',
      'size',
      'url',
    ]);
    const data = event!.data as { url: string; size: number; sha256: string; content_type: string };
    expect(data.size).toBeGreaterThanOrEqual(10 * 1024 * 1024);
    expect(data.content_type).toBe('application/x-ndjson');

    const download = await fetch(data.url);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-length')).toBe(String(data.size));
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(data.sha256);
    const lines = bytes.toString().split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({ type: 'manifest', shipments: 3 });
    expect(JSON.parse(lines[1]!)).toMatchObject({ type: 'shipment', order_id: 'ord_m0' });

    const ranged = await fetch(data.url, { headers: { range: 'bytes=0-15' } });
    expect(ranged.status).toBe(206);
    expect(await ranged.text()).toBe(lines[0]!.slice(0, 16));

    const tampered = data.url.replace(
      /signature=([0-9a-f])/,
      (_m, c: string) => `signature=${c === 'a' ? 'b' : 'a'}`,
    );
    const refused = await fetch(tampered);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');

    const status = await t.app.request(`/v1/manifests/${event!.data.manifest_id}`, { headers: auth() });
    expect(status.status).toBe(303);
    const result = await (
      await t.app.request(`/v1/manifests/${event!.data.manifest_id}/result`, { headers: auth() })
    ).json();
    expect(result).toMatchObject({ ...event!.data, rows: expect.any(Number) });
    expect(
      (await t.app.request(`/v1/manifests/${event!.data.manifest_id}`, { headers: auth(OTHER_KEY) })).status,
    ).toBe(404);
  });

  it('refuses an expired URL with 410, and the result resource signs a fresh one', async () => {
    const clock = createManualClock(Date.UTC(2026, 10, 29, 18));
    const t = createTestLogistics({ clock });
    cleanups.push(() => t.close());
    const { id } = await (
      await t.app.request('/v1/manifests', json({ expires_in_sec: 60, date: '2026-11-29' }))
    ).json();
    await t.jobs.runDue();
    const result = await (await t.app.request(`/v1/manifests/${id}/result`, { headers: auth() })).json();
    expect(result).toMatchObject({ date: '2026-11-29', expires_at: '2026-11-29T18:01:00.000Z', rows: 1 });
    const path = result.url.replace('http://logistics.test', '');
    expect((await t.app.request(path)).status).toBe(200);
    clock.advance(61_000);
    const expired = await t.app.request(path);
    expect(expired.status).toBe(410);
    expect(await expired.json()).toMatchObject({
      code: 'url_expired',
      title: expect.stringContaining('expired at 2026-11-29T18:01:00'),
    });
    const fresh = await (await t.app.request(`/v1/manifests/${id}/result`, { headers: auth() })).json();
    expect(fresh.url).not.toBe(result.url);
    expect((await t.app.request(fresh.url.replace('http://logistics.test', ''))).status).toBe(200);
  });

  it('refuses bad input', async () => {
    const t = createTestLogistics();
    cleanups.push(() => t.close());
    for (const body of [
      { date: '29/11/2026' },
      { min_bytes: -1 },
      { min_bytes: 1e12 },
      { expires_in_sec: 0 },
      { callback_url: 'http://[::ffff:10.0.0.1]/' },
    ]) {
      expect((await t.app.request('/v1/manifests', json(body))).status, JSON.stringify(body)).toBe(400);
    }
  });
});
