import { createManualClock, type LookupFn, type ManualClock } from '@hooklab/webhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  auth,
  createTestLogistics,
  fakeLookup,
  json,
  OTHER_KEY,
  order,
  READONLY_KEY,
} from '../test-support.ts';

let clock: ManualClock;
let t: ReturnType<typeof createTestLogistics>;

beforeEach(() => {
  clock = createManualClock(Date.UTC(2026, 10, 29, 10));
  t = createTestLogistics({ clock, env: { LOGISTICS_STAGE_MS: '1500' } });
});
afterEach(async () => {
  await t.close();
});

const post = (body: unknown, key?: string, extra?: Record<string, string>) =>
  t.app.request('/v1/shipments', json(body, key, extra));
const get = (path: string, key?: string) => t.app.request(path, { headers: auth(key) });
const count = () => (t.sqlite.prepare('SELECT count(*) AS n FROM shipments').get() as { n: number }).n;
/** Moves the manual clock one stage and runs what fell due. */
const stage = async (n = 1) => {
  for (let i = 0; i < n; i++) {
    clock.advance(1500);
    await t.jobs.runDue();
  }
};

describe('API keys (S01)', () => {
  it('answers 401 without a key or with a bad one, as problem+json', async () => {
    const none = await t.app.request('/v1/shipments');
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toBe('application/problem+json');
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await none.json()).toMatchObject({ status: 401, code: 'unauthorized' });
    const bad = await get('/v1/shipments', 'lg_test_nope');
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ code: 'invalid_api_key' });
    const basic = await t.app.request('/v1/shipments', { headers: { authorization: 'Basic Zm9vOmJhcg==' } });
    expect(basic.status).toBe(401);
  });

  it('answers 403 when a read-only key writes, and lets it read', async () => {
    const res = await post(order(), READONLY_KEY);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: 'insufficient_scope' });
    expect(count()).toBe(0);
    const created = await (await post(order())).json();
    expect((await get(`/v1/shipments/${created.id}`, READONLY_KEY)).status).toBe(200);
    expect(
      (await t.app.request(`/v1/shipments/${created.id}`, { method: 'DELETE', headers: auth(READONLY_KEY) }))
        .status,
    ).toBe(403);
  });

  it("answers 404 for another merchant's shipment, everywhere", async () => {
    const mine = await (await post(order())).json();
    for (const path of [`/v1/shipments/${mine.id}`, `/v1/shipments/${mine.id}/result`]) {
      const res = await get(path, OTHER_KEY);
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ code: 'not_found' });
    }
    expect(
      (await t.app.request(`/v1/shipments/${mine.id}`, { method: 'DELETE', headers: auth(OTHER_KEY) }))
        .status,
    ).toBe(404);
    const list = await (await get('/v1/shipments', OTHER_KEY)).json();
    expect(list.data).toEqual([]);
  });
});

describe('POST /v1/shipments: 202 Accepted', () => {
  it('answers 202 with Location and Retry-After, then 200 with the stage while running', async () => {
    const res = await post(order({ order_id: 'ord_1' }));
    expect(res.status).toBe(202);
    const body = await res.json();
    expect(body.id).toMatch(/^shp_/);
    expect(res.headers.get('location')).toBe(`/v1/shipments/${body.id}`);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(body).toMatchObject({ status: 'picking', stage: { index: 1, of: 6 }, order_id: 'ord_1' });

    await stage();
    const running = await get(`/v1/shipments/${body.id}`);
    expect(running.status).toBe(200);
    expect(running.headers.get('retry-after')).toBe('1');
    expect(await running.json()).toMatchObject({ status: 'packed', stage: { index: 2 } });
  });

  it('answers 303 See Other to the result when done; the result has carrier, tracking, label and history', async () => {
    const { id } = await (await post(order())).json();
    await stage(5);
    const res = await get(`/v1/shipments/${id}`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/v1/shipments/${id}/result`);
    const status = await get(`/v1/shipments/${id}?view=status`);
    expect(status.status).toBe(200);
    const result = await (await get(`/v1/shipments/${id}/result`)).json();
    expect(result).toMatchObject({ status: 'delivered', carrier: 'colissimo', done: true });
    expect(result.tracking_number).toMatch(/^6A\d{12}$/);
    expect(result.label_url).toMatch(
      /^http:\/\/logistics\.test\/blobs\/labels\/mer_atelier\/shp_\w+\.pdf\?expires=\d+&signature=/,
    );
    expect(result.events.map((e: { status: string }) => e.status)).toEqual([
      'picking',
      'packed',
      'label_purchased',
      'shipped',
      'in_transit',
      'delivered',
    ]);
    const label = await t.app.request(result.label_url.replace('http://logistics.test', ''));
    expect(label.status).toBe(200);
    expect(label.headers.get('content-type')).toBe('application/pdf');
    expect((await label.text()).startsWith('%PDF-1.4')).toBe(true);
  });

  it('answers 409 on the result while the job runs', async () => {
    const { id } = await (await post(order())).json();
    const res = await get(`/v1/shipments/${id}/result`);
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: 'job_not_finished', status_url: `/v1/shipments/${id}` });
  });

  it('ends failed with out_of_stock for an OOS- SKU and address_invalid for postal code 00000', async () => {
    const oos = await (await post(order({ items: [{ sku: 'OOS-42', quantity: 1 }] }))).json();
    const bad = await (
      await post(
        order({
          ship_to: { name: 'X', line1: 'Nowhere', city: 'Void', postal_code: '00000', country: 'FR' },
        }),
      )
    ).json();
    await stage(3);
    const a = await (await get(`/v1/shipments/${oos.id}/result`)).json();
    expect(a).toMatchObject({ status: 'failed', failure_reason: 'out_of_stock' });
    const b = await (await get(`/v1/shipments/${bad.id}/result`)).json();
    expect(b).toMatchObject({ status: 'failed', failure_reason: 'address_invalid', carrier: null });
    expect(b.events.map((e: { status: string }) => e.status)).toEqual(['picking', 'packed', 'failed']);
  });

  it('cancels before the label is bought (200) and refuses after (409)', async () => {
    const a = await (await post(order())).json();
    const del = await t.app.request(`/v1/shipments/${a.id}`, { method: 'DELETE', headers: auth() });
    expect(del.status).toBe(200);
    expect(await del.json()).toMatchObject({ status: 'canceled' });
    const again = await t.app.request(`/v1/shipments/${a.id}`, { method: 'DELETE', headers: auth() });
    expect(again.status).toBe(200);
    await stage(5);
    const after = await get(`/v1/shipments/${a.id}`);
    expect(after.status).toBe(303);
    expect((await (await get(`/v1/shipments/${a.id}/result`)).json()).status).toBe('canceled');

    const b = await (await post(order())).json();
    await stage(2);
    const late = await t.app.request(`/v1/shipments/${b.id}`, { method: 'DELETE', headers: auth() });
    expect(late.status).toBe(409);
    expect(await late.json()).toMatchObject({ code: 'not_cancellable', status: 'label_purchased' });
  });

  it('lists shipments newest first, with a cursor and an order_id filter', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await (await post(order({ order_id: `ord_list_${i}` }))).json()).id);
      clock.advance(1);
    }
    const page = await (await get('/v1/shipments?limit=2')).json();
    expect(page).toMatchObject({ object: 'list', has_more: true });
    expect(page.data.map((s: { id: string }) => s.id)).toEqual([ids[2], ids[1]]);
    const next = await (await get(`/v1/shipments?limit=2&starting_after=${ids[1]}`)).json();
    expect(next.data.map((s: { id: string }) => s.id)).toEqual([ids[0]]);
    const one = await (await get('/v1/shipments?order_id=ord_list_1')).json();
    expect(one.data).toHaveLength(1);
    expect((await get('/v1/shipments?limit=0')).status).toBe(400);
  });
});

describe('Idempotency-Key', () => {
  it('gives the same shipment for the same key and request, and one job', async () => {
    const body = order();
    const a = await post(body, undefined, { 'idempotency-key': 'key-1' });
    const b = await post(body, undefined, { 'idempotency-key': 'key-1' });
    expect(a.status).toBe(202);
    expect(b.status).toBe(202);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect((await b.json()).id).toBe((await a.json()).id);
    expect(count()).toBe(1);
    expect(t.jobs.pending()).toBe(1);
  });

  it('refuses the same key with a different body (422), and keeps keys per merchant', async () => {
    await post(order(), undefined, { 'idempotency-key': 'key-2' });
    const res = await post(order(), undefined, { 'idempotency-key': 'key-2' });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ code: 'idempotency_key_reused' });
    expect((await post(order(), OTHER_KEY, { 'idempotency-key': 'key-2' })).status).toBe(202);
    expect((await post(order(), undefined, { 'idempotency-key': 'x'.repeat(300) })).status).toBe(400);
  });

  it('answers 409 idempotency_key_in_use while the first request with the key still runs', async () => {
    let release!: () => void;
    let reached!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const inGuard = new Promise<void>((r) => {
      reached = r;
    });
    // The first request waits inside the SSRF check of its callback_url until the test lets it go.
    const lookup: LookupFn = async (host) => {
      if (host !== 'slow.example.test') return fakeLookup(host);
      reached();
      await held;
      return [{ address: '93.184.215.14', family: 4 }];
    };
    const s = createTestLogistics({ clock, lookup });
    try {
      const init = () =>
        json(order({ order_id: 'ord_held', callback_url: 'https://slow.example.test/cb' }), undefined, {
          'idempotency-key': 'key-held',
        });
      const first = s.app.request('/v1/shipments', init());
      await inGuard;
      const second = await s.app.request('/v1/shipments', init());
      expect(second.status).toBe(409);
      expect(second.headers.get('content-type')).toBe('application/problem+json');
      expect(await second.json()).toMatchObject({ code: 'idempotency_key_in_use', param: 'Idempotency-Key' });
      release();
      const done = await first;
      expect(done.status).toBe(202);
      const replay = await s.app.request('/v1/shipments', init());
      expect(replay.status).toBe(202);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect((await replay.json()).id).toBe((await done.json()).id);
    } finally {
      await s.close();
    }
  });

  it('answers 409 for a second shipment of the same order', async () => {
    await post(order({ order_id: 'ord_dup' }));
    const res = await post(order({ order_id: 'ord_dup' }));
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: 'duplicate_order' });
  });
});

describe('bad input → clear 4xx, nothing created', () => {
  it('refuses malformed JSON, wrong types, missing fields and huge bodies', async () => {
    const cases: [unknown, number, string][] = [
      ['{not json', 400, 'malformed_body'],
      ['[]', 400, 'malformed_body'],
      [{ ...order(), items: 'DR-001' }, 400, 'validation_failed'],
      [{ ...order(), items: [] }, 400, 'validation_failed'],
      [{ ...order(), items: [{ sku: 'DR-001', quantity: -1 }] }, 400, 'validation_failed'],
      [{ ...order(), ship_to: { name: 'A' } }, 400, 'validation_failed'],
      [{ ...order(), order_id: 42 }, 400, 'validation_failed'],
      [{ ...order(), surprise: true }, 400, 'validation_failed'],
      [{ ...order(), callback_url: 'ftp://example.test/x' }, 400, 'validation_failed'],
      [
        { ...order(), notify_secret: 'whsec_aG9va2xhYi1sb2dpc3RpY3MtbGFiLXRlc3Qtc2VjcmV0' },
        400,
        'invalid_request',
      ],
      [
        { ...order(), notify_url: 'http://127.0.0.1:1/x', notify_secret: 'not-a-secret' },
        400,
        'validation_failed',
      ],
    ];
    for (const [body, status, code] of cases) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(status);
      expect((await res.json()).code).toBe(code);
    }
    const huge = await post({ ...order(), items: [{ sku: 'DR-1', name: 'x'.repeat(100_000), quantity: 1 }] });
    expect(huge.status).toBe(413);
    expect(huge.headers.get('content-type')).toBe('application/problem+json');
    expect(count()).toBe(0);
  });

  it('refuses a country that ISO 3166-1 does not assign, naming the field', async () => {
    for (const country of ['ZZ', 'UK', 'XX', 'fr', 'FRA']) {
      const res = await post({ ...order(), ship_to: { ...order().ship_to, country } });
      expect(res.status, country).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      const body = await res.json();
      expect(body.code).toBe('validation_failed');
      expect(JSON.stringify(body.issues), country).toContain('ship_to.country');
    }
    expect(count()).toBe(0);
    const fixed = await post({ ...order(), ship_to: { ...order().ship_to, country: 'DE' } });
    expect(fixed.status).toBe(202);
  });

  it('answers 415 problem+json to a body that is not declared JSON (text/plain, none, form)', async () => {
    const body = JSON.stringify(order());
    const sends: [string, Record<string, string>][] = [
      ['text/plain', { ...auth(), 'content-type': 'text/plain' }],
      ['form', { ...auth(), 'content-type': 'application/x-www-form-urlencoded' }],
      ['jsonp lookalike', { ...auth(), 'content-type': 'application/jsonp' }],
      ['none', auth()],
    ];
    for (const [what, headers] of sends) {
      const res = await t.app.request('/v1/shipments', { method: 'POST', headers, body });
      expect(res.status, what).toBe(415);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.headers.get('accept')).toBe('application/json');
      expect(await res.json()).toMatchObject({ status: 415, code: 'unsupported_media_type' });
    }
    expect(count()).toBe(0);
    for (const type of [
      'application/json; charset=utf-8',
      'Application/JSON',
      'application/merge-patch+json',
    ]) {
      const res = await post({ ...order(), order_id: `ord_${type.length}` }, undefined, {
        'content-type': type,
      });
      expect(res.status, type).toBe(202);
    }
  });

  it('refuses callback and notify URLs aimed at internal addresses (400 ssrf_blocked)', async () => {
    const urls = [
      'http://10.0.0.1/hook',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::ffff:10.0.0.1]/hook',
      'http://192.168.1.10/hook',
      'http://internal.example.test/hook',
      'http://metadata.google.internal/computeMetadata/v1/',
    ];
    for (const url of urls) {
      for (const field of ['callback_url', 'notify_url']) {
        const res = await post({ ...order(), [field]: url });
        expect(res.status, `${field}=${url}`).toBe(400);
        const body = await res.json();
        expect(body).toMatchObject({ code: 'ssrf_blocked', param: field });
      }
    }
    expect(count()).toBe(0);
    // Loopback is allowed by default (WEBHOOK_ALLOW_LOOPBACK) so the local stack can call itself.
    expect(
      (await post({ ...order(), callback_url: 'http://127.0.0.1:3001/webhooks/logistics' })).status,
    ).toBe(202);
  });
});
