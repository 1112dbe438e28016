import { afterEach, describe, expect, it } from 'vitest';
import { admin, createTestSlack, type TestSlack } from '../test-support.ts';

const running: TestSlack[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.close();
});

const fresh = (env: Record<string, string> = {}) => {
  const s = createTestSlack({ env });
  running.push(s);
  return s;
};

describe('the admin API', () => {
  it('needs the admin key, and refuses the default one outside dev mode (problem+json)', async () => {
    const s = fresh();
    const none = await s.app.request('/admin/apps');
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toBe('application/problem+json');
    expect((await s.app.request('/admin/apps', admin('GET'))).status).toBe(200);
    const prod = fresh({ HOOKLAB_DEV: '0' });
    const refused = await prod.app.request('/admin/apps', admin('GET'));
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'admin_key_not_set' });
    const keyed = fresh({ HOOKLAB_DEV: '0', SLACK_ADMIN_KEY: 'a-real-admin-key-123' });
    const ok = await keyed.app.request('/admin/apps', {
      headers: { authorization: 'Bearer a-real-admin-key-123' },
    });
    expect(ok.status).toBe(200);
  });

  it('creates an app whose bot token works on the Web API, shown once', async () => {
    const s = fresh();
    const res = await s.app.request(
      '/admin/apps',
      admin('POST', { name: 'Stock Bot', scopes: ['chat:write'] }),
    );
    expect(res.status).toBe(201);
    const created = (await res.json()) as {
      id: string;
      bot_token: string;
      signing_secret: string;
      bot_user_id: string;
    };
    expect(created.bot_token).toMatch(/^xoxb-T0HOOKLAB-/);
    const auth = await s.app.request('/api/auth.test', {
      method: 'POST',
      headers: { authorization: `Bearer ${created.bot_token}` },
    });
    expect(await auth.json()).toMatchObject({ ok: true, user_id: created.bot_user_id });
    const listed = await (await s.app.request('/admin/apps', admin('GET'))).text();
    expect(listed).not.toContain(created.bot_token);
    expect(listed).not.toContain(created.signing_secret);
  });

  it('validates settings, commands and channels', async () => {
    const s = fresh();
    const app = `/admin/apps/${s.ids.appId}`;
    const cases: [string, RequestInit, number, string][] = [
      [app, admin('PATCH', { event_types: ['message.im'] }), 400, 'invalid_event_type'],
      [app, admin('PATCH', { event_request_url: 'ftp://x' }), 400, 'validation_failed'],
      [app, { ...admin('PATCH'), body: '{nope' }, 400, 'malformed_body'],
      ['/admin/apps/ANOSUCH', admin('GET'), 404, 'not_found'],
      [`${app}/commands/Bad Name`, admin('PUT', { url: 'http://127.0.0.1:9/x' }), 400, 'invalid_command'],
      [`${app}/incoming-webhooks`, admin('POST', { channel: 'nope' }), 400, 'channel_not_found'],
      [`${app}/commands/nope`, admin('DELETE'), 404, 'not_found'],
    ];
    for (const [path, init, status, code] of cases) {
      const res = await s.app.request(path, init);
      expect([path, res.status, ((await res.json()) as { code: string }).code]).toEqual([path, status, code]);
    }
  });

  it('refuses a mailto:, queue: or topic: request URL with a 400 saying why (url_verification)', async () => {
    const s = fresh();
    const app = `/admin/apps/${s.ids.appId}`;
    for (const url of ['mailto:ops@atelier.test', 'queue:orders', 'topic:orders/eu']) {
      for (const [path, init, param] of [
        [app, admin('PATCH', { event_request_url: url }), 'event_request_url'],
        [app, admin('PATCH', { interactivity_url: url }), 'interactivity_url'],
        [`${app}/commands/order`, admin('PUT', { url }), 'url'],
      ] as const) {
        const res = await s.app.request(path, init);
        expect(res.status, `${param} ${url}`).toBe(400);
        expect(res.headers.get('content-type')).toBe('application/problem+json');
        expect(await res.json()).toMatchObject({
          code: 'validation_failed',
          issues: [
            {
              path: param,
              message: expect.stringMatching(
                /^must be an http or https URL: mailto:, queue: and topic: targets are not possible here: Slack proves the request URL with url_verification/,
              ),
            },
          ],
        });
      }
    }
    const broken = await s.app.request(app, admin('PATCH', { event_request_url: 'not a url' }));
    expect(await broken.json()).toMatchObject({
      issues: [{ path: 'event_request_url', message: 'Invalid URL' }],
    });
  });

  it('slash commands are idempotent to register and listed', async () => {
    const s = fresh();
    const put = () =>
      s.app.request(
        `/admin/apps/${s.ids.appId}/commands/order`,
        admin('PUT', { url: 'http://127.0.0.1:9/slack/events', description: 'Look up an order' }),
      );
    expect((await put()).status).toBe(200);
    expect((await put()).status).toBe(200);
    const list = await s.app.request(`/admin/apps/${s.ids.appId}/commands`, admin('GET'));
    expect(await list.json()).toMatchObject({
      data: [{ command: '/order', url: 'http://127.0.0.1:9/slack/events' }],
    });
    expect((await s.app.request(`/admin/apps/${s.ids.appId}/commands/order`, admin('DELETE'))).status).toBe(
      204,
    );
  });
});
