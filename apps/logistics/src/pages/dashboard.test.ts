import { createManualClock } from '@hooklab/webhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestLogistics, json, order } from '../test-support.ts';

let t: ReturnType<typeof createTestLogistics> | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** The row of one shipment on the page. */
const rowOf = (html: string, id: string) =>
  /<tr data-shipment="([^"]+)">[\s\S]*?<\/tr>/g.exec(
    html.slice(html.indexOf(`data-shipment="${id}"`) - 20),
  )?.[0] ?? '';

describe('the logistics dashboard', () => {
  it('shows a created shipment with its stage, callbacks and job progress, without the full address', async () => {
    const clock = createManualClock(Date.UTC(2026, 10, 29, 10));
    t = createTestLogistics({
      clock,
      env: { LOGISTICS_STAGE_MS: '1500' },
    });
    const created = await t.app.request(
      '/v1/shipments',
      json(order({ callback_url: 'http://public.example.test/hooks/logistics?token=abc' })),
    );
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };

    const first = await t.app.request('/dashboard');
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^text\/html/);
    const before = await first.text();
    expect(before).toContain('Merchants');
    expect(rowOf(before, id)).toContain('>picking<');
    expect(before).toContain('shipment <code>');
    expect(before).toContain('picking (1/6)');

    for (let i = 0; i < 3; i++) {
      clock.advance(1500);
      await t.jobs.runDue();
    }
    const html = await (await t.app.request('/dashboard')).text();
    const row = rowOf(html, id);
    expect(row).toContain('>shipped<');
    expect(row).toContain('shipment.fulfilled → <code>http://public.example.test/hooks/logistics</code>');
    expect(html).toContain('shipped (4/6)');
    // Personal data and secrets stay off the page: only the country and postal area.
    expect(row).toContain('FR 75…');
    for (const hidden of ['Ada Lovelace', '12 Rue des Fleurs', 'Paris', '75001', 'token=abc', 'whsec_'])
      expect(html).not.toContain(hidden);
  });

  it('is not served outside dev mode', async () => {
    t = createTestLogistics({ env: { HOOKLAB_DEV: '0', BLOBSTORE_SECRET: 'a'.repeat(64) } });
    const res = await t.app.request('/dashboard', { headers: { accept: 'text/html' } });
    expect(res.status).toBe(404);
  });
});
