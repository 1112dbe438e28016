// DELETE /admin/apps/:id (issue 12): the app, its bot token and its commands go; an event still in the outbox
// for it is canceled, while the same message's event for another app (the witness) arrives.
import { afterEach, describe, expect, it } from 'vitest';
import {
  admin,
  answerChallenge,
  createTestSlack,
  eventsOf,
  startReceiver,
  type TestSlack,
  USER_TOKEN,
  until,
} from '../test-support.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Created {
  id: string;
  bot_token: string;
  signing_secret: string;
  bot_user_id: string;
}

/** A new app subscribed to app_mention at its own receiver. */
async function appWithReceiver(s: TestSlack, name: string) {
  const res = await s.app.request('/admin/apps', admin('POST', { name }));
  expect(res.status).toBe(201);
  const created = (await res.json()) as Created;
  const receiver = await startReceiver((req, r) => answerChallenge(req, r, created.signing_secret));
  cleanups.push(receiver.close);
  const patched = await s.app.request(
    `/admin/apps/${created.id}`,
    admin('PATCH', { event_request_url: receiver.url, event_types: ['app_mention'] }),
  );
  expect(patched.status).toBe(200);
  return { created, receiver };
}

describe('DELETE /admin/apps/:id', () => {
  it('deletes the app and its token and commands; its pending events are canceled, not sent', async () => {
    const s = createTestSlack();
    cleanups.push(s.close);
    const doomed = await appWithReceiver(s, 'Doomed Bot');
    const witness = await appWithReceiver(s, 'Witness Bot');
    const path = `/admin/apps/${doomed.created.id}`;
    expect(
      (await s.app.request(`${path}/commands/doomed`, admin('PUT', { url: doomed.receiver.url }))).status,
    ).toBe(200);

    // One message mentions both bots: an event for each, queued while no dispatcher runs.
    const posted = await s.app.request('/api/chat.postMessage', {
      method: 'POST',
      headers: { authorization: `Bearer ${USER_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        channel: s.ids.channels[0]!.id,
        text: `<@${doomed.created.bot_user_id}> <@${witness.created.bot_user_id}> stock?`,
      }),
    });
    expect(await posted.json()).toMatchObject({ ok: true });
    const pending = await s.ctx.outbox.listMessages({ endpointId: `app:${doomed.created.id}` });
    expect(pending.map((m) => m.status)).toEqual(['pending']);

    const gone = await s.app.request(path, admin('DELETE'));
    expect(gone.status).toBe(204);
    expect((await s.app.request(path, admin('GET'))).status).toBe(404);
    const again = await s.app.request(path, admin('DELETE'));
    expect(again.status).toBe(404);
    expect(again.headers.get('content-type')).toBe('application/problem+json');
    const auth = await s.app.request('/api/auth.test', {
      method: 'POST',
      headers: { authorization: `Bearer ${doomed.created.bot_token}` },
    });
    expect(await auth.json()).toMatchObject({ ok: false, error: 'invalid_auth' });
    const listed = (await (await s.app.request('/admin/apps', admin('GET'))).json()) as {
      data: { id: string }[];
    };
    expect(listed.data.map((a) => a.id)).not.toContain(doomed.created.id);

    await s.startDispatcher();
    await witness.receiver.arrival((r) => eventsOf(r).length === 1);
    const canceled = await until(async () => {
      const m = await s.ctx.outbox.getMessage(pending[0]!.id);
      return m?.status === 'canceled' ? m : null;
    });
    expect(canceled.attempts).toBe(0);
    expect(eventsOf(doomed.receiver.requests)).toEqual([]);
  });

  it('needs the admin key (401 problem+json)', async () => {
    const s = createTestSlack();
    cleanups.push(s.close);
    const res = await s.app.request(`/admin/apps/${s.ids.appId}`, { method: 'DELETE' });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect((await s.app.request(`/admin/apps/${s.ids.appId}`, admin('GET'))).status).toBe(200);
  });
});
