import { describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { createTestContext } from '../test-support.ts';

const api = { authorization: 'Bearer sk_test_hooklab', 'content-type': 'application/x-www-form-urlencoded' };
const form = { 'content-type': 'application/x-www-form-urlencoded' };
const SAME_ORIGIN = 'http://localhost';

function setup(env: Record<string, string> = { HOOKLAB_DEV: '1' }, replayed?: string[]) {
  const domain = createTestContext(env, {
    replayFailedDeliveries: replayed
      ? async (id) => {
          replayed.push(id);
          return 2;
        }
      : undefined,
  });
  const { sqlite } = domain;
  const app = createApp(domain);
  const call = async (path: string, body: string) => {
    const res = await app.request(path, { method: 'POST', headers: api, body });
    expect(res.status, `${path} ${await res.clone().text()}`).toBe(200);
    return (await res.json()) as { id: string };
  };
  const messages = () => domain.outbox.listMessages({ limit: 1000 });
  return { app, sqlite, call, messages };
}

/** Opens a page the way a browser would: the session cookie it sets and the form token it shows. */
async function openForm(app: ReturnType<typeof setup>['app'], path: string) {
  const res = await app.request(path);
  const html = await res.text();
  const cookie = res.headers.get('set-cookie')?.split(';')[0] ?? '';
  const token = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1] ?? '';
  return { res, html, cookie, token };
}

describe('the dashboard is a dev-mode surface', () => {
  it('is not served outside dev mode, nor with PAYMENTS_DASHBOARD=false', async () => {
    const envs: Record<string, string>[] = [
      {},
      { HOOKLAB_DEV: '0' },
      { HOOKLAB_DEV: '1', PAYMENTS_DASHBOARD: 'false' },
    ];
    for (const env of envs) {
      const { app } = setup(env);
      expect((await app.request('/dashboard')).status, JSON.stringify(env)).toBe(404);
      expect((await (await app.request('/')).json()).dashboard).toBeNull();
    }
    const { app } = setup();
    expect((await app.request('/dashboard')).status).toBe(200);
    expect((await (await app.request('/')).json()).dashboard).toBe('/dashboard');
  });
});

describe('dashboard forms and resends', () => {
  async function world(replayed?: string[]) {
    const t = setup({ HOOKLAB_DEV: '1' }, replayed);
    const listening = await t.call(
      '/v1/webhook_endpoints',
      'url=http://127.0.0.1:9/a&enabled_events[]=payment_intent.created',
    );
    const other = await t.call(
      '/v1/webhook_endpoints',
      'url=http://127.0.0.1:9/b&enabled_events[]=charge.succeeded',
    );
    await t.call('/v1/payment_intents', 'amount=2000&currency=eur');
    const [event] = (await t.messages()).filter((m) => m.endpointId === listening.id);
    return { ...t, listening, other, eventId: event!.eventId };
  }

  it('shows an event and its payload, and offers resend only to subscribed endpoints', async () => {
    const { app, listening, other, eventId } = await world();
    const overview = await (await app.request('/dashboard')).text();
    expect(overview).toContain(`href="/dashboard/events/${eventId}"`);
    const page = await (await app.request(`/dashboard/events/${eventId}`)).text();
    expect(page).toContain('payment_intent.created');
    expect(page).toContain(
      `&quot;id&quot;: &quot;${eventId}&quot;,\n  &quot;object&quot;: &quot;event&quot;`,
    );
    expect(page).toContain(`/dashboard/events/${eventId}/resend?endpoint=${listening.id}`);
    expect(page).not.toContain(`resend?endpoint=${other.id}`);
    const refused = await app.request(`/dashboard/events/${eventId}/resend?endpoint=${other.id}`);
    expect(refused.status).toBe(400);
    expect((await app.request('/dashboard/events/evt_nope')).status).toBe(404);
  });

  it('asks for confirmation, then resends with a same-origin form and the session token', async () => {
    const { app, listening, eventId, messages } = await world();
    const confirm = await openForm(app, `/dashboard/events/${eventId}/resend?endpoint=${listening.id}`);
    expect(confirm.res.status).toBe(200);
    expect(confirm.html).toContain('Resend this event?');
    expect(confirm.cookie).toMatch(/^hooklab_dashboard=/);
    expect(confirm.res.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/);
    expect(confirm.token).not.toBe('');
    const before = (await messages()).length;
    const res = await app.request(`/dashboard/events/${eventId}/resend`, {
      method: 'POST',
      headers: { ...form, origin: SAME_ORIGIN, cookie: confirm.cookie },
      body: `csrf_token=${encodeURIComponent(confirm.token)}&endpoint=${listening.id}`,
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/dashboard/events/${eventId}?resent=${listening.id}`);
    const after = await messages();
    expect(after).toHaveLength(before + 1);
    expect(after.filter((m) => m.eventId === eventId && m.endpointId === listening.id)).toHaveLength(2);
  });

  it('refuses a cross-origin post, a post without the token, and a token of another session', async () => {
    const { app, listening, other, eventId, messages } = await world();
    const mine = await openForm(app, `/dashboard/events/${eventId}/resend?endpoint=${listening.id}`);
    const theirs = await openForm(app, `/dashboard/events/${eventId}/resend?endpoint=${listening.id}`);
    const before = (await messages()).length;
    const attempts: [Record<string, string>, string][] = [
      // The attack of the issue: a page elsewhere posting the form, with the victim's cookie.
      [
        { origin: 'http://evil.test', cookie: mine.cookie },
        `csrf_token=${mine.token}&endpoint=${listening.id}`,
      ],
      [{ 'sec-fetch-site': 'cross-site', cookie: mine.cookie }, `endpoint=${listening.id}`],
      [{ origin: SAME_ORIGIN, cookie: mine.cookie }, `endpoint=${listening.id}`],
      [{ origin: SAME_ORIGIN }, `csrf_token=${mine.token}&endpoint=${listening.id}`],
      [{ origin: SAME_ORIGIN, cookie: mine.cookie }, `csrf_token=${theirs.token}&endpoint=${listening.id}`],
    ];
    for (const [headers, body] of attempts) {
      const res = await app.request(`/dashboard/events/${eventId}/resend`, {
        method: 'POST',
        headers: { ...form, ...headers },
        body,
      });
      expect(res.status, JSON.stringify(headers) + body).toBe(403);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    }
    // Right token, wrong endpoint: not subscribed to payment_intent.created.
    const wrong = await app.request(`/dashboard/events/${eventId}/resend`, {
      method: 'POST',
      headers: { ...form, origin: SAME_ORIGIN, cookie: mine.cookie },
      body: `csrf_token=${mine.token}&endpoint=${other.id}`,
    });
    expect(wrong.status).toBe(400);
    expect(await messages()).toHaveLength(before);
  });

  it('offers "Replay failed deliveries" on an enabled endpoint with failed deliveries, when wired', async () => {
    const replayed: string[] = [];
    const { app, sqlite, listening, other, call } = await world(replayed);
    expect(await (await app.request('/dashboard')).text()).not.toContain('Replay failed deliveries');
    // The outage, as the engine leaves it: the endpoint's deliveries gave up.
    sqlite.prepare("UPDATE outbox_messages SET status = 'dead' WHERE endpoint_id = ?").run(listening.id);
    const page = await openForm(app, '/dashboard');
    expect(page.html).toContain('Replay failed deliveries (1)');
    expect(page.html).toContain(`action="/dashboard/endpoints/${listening.id}/replay"`);
    expect(page.html).not.toContain(`/dashboard/endpoints/${other.id}/replay`);
    const cross = await app.request(`/dashboard/endpoints/${listening.id}/replay`, {
      method: 'POST',
      headers: { ...form, origin: 'http://evil.test', cookie: page.cookie },
      body: `csrf_token=${page.token}`,
    });
    expect(cross.status).toBe(403);
    const res = await app.request(`/dashboard/endpoints/${listening.id}/replay`, {
      method: 'POST',
      headers: { ...form, origin: SAME_ORIGIN, cookie: page.cookie },
      body: `csrf_token=${page.token}`,
    });
    expect(res.status).toBe(303);
    expect(replayed).toEqual([listening.id]);
    const notice = await (await app.request(res.headers.get('location')!)).text();
    expect(notice).toContain(`2 failed deliveries of ${listening.id} queued again.`);

    await call(`/v1/webhook_endpoints/${listening.id}`, 'disabled=true');
    expect(await (await app.request('/dashboard')).text()).not.toContain('Replay failed deliveries');
  });

  it('hides the replay button when the app is not given replayFailedDeliveries', async () => {
    const { app, sqlite, listening } = await world();
    sqlite.prepare("UPDATE outbox_messages SET status = 'dead' WHERE endpoint_id = ?").run(listening.id);
    expect(await (await app.request('/dashboard')).text()).not.toContain('Replay failed deliveries');
  });
});
