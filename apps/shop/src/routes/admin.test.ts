import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, DEV_ADMIN_KEY, logisticsCallback, testShop } from '../test-support.ts';

const BROWSER = { accept: 'text/html,application/xhtml+xml' };
const basic = (password: string) => ({
  authorization: `Basic ${Buffer.from(`backoffice:${password}`).toString('base64')}`,
});

describe('GET /admin/manifests (back office)', () => {
  let shop: ReturnType<typeof testShop>;
  afterEach(() => shop?.close());

  const announce = async () => {
    const res = await shop.app.request(
      '/webhooks/logistics',
      logisticsCallback('manifest.ready', {
        manifest_id: 'man_admin_1',
        url: 'https://logistics.example/manifests/man_admin_1?sig=secret-signature',
        size: 10,
        sha256: 'a'.repeat(64),
      }),
    );
    expect(res.status).toBe(200);
  };

  it('asks a browser for the back-office key and shows nothing without it', async () => {
    shop = testShop({ deps: { onManifest: () => undefined } });
    await announce();
    for (const headers of [BROWSER, { ...BROWSER, ...basic('wrong-key-entirely') }]) {
      const res = await shop.app.request('/admin/manifests', { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await res.text();
      expect(html).not.toContain('man_admin_1');
      expect(html).not.toContain('secret-signature');
    }
    const asked = await shop.app.request('/admin/manifests', { headers: BROWSER });
    expect(asked.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
  });

  it('lists the manifests with the key, as a Basic password (browser) or a Bearer token', async () => {
    shop = testShop({ deps: { onManifest: () => undefined } });
    await announce();
    for (const headers of [basic(DEV_ADMIN_KEY), ADMIN]) {
      const res = await shop.app.request('/admin/manifests', { headers: { ...BROWSER, ...headers } });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('man_admin_1');
    }
  });
});
