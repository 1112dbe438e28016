// Registration with social, against a stand-in that keeps webhooks and rules like social does.
import { describe, expect, it } from 'vitest';
import {
  cachedAuthors,
  createSocialClient,
  ensureSocialWebhook,
  SocialApiError,
  type SocialUser,
} from './social.ts';

function standIn(opts: { crcPasses?: boolean } = {}) {
  const state = {
    hooks: [] as { id: string; url: string; valid: boolean; created_at: string }[],
    rules: [] as { id: string; value: string; tag?: string }[],
    calls: [] as string[],
  };
  const fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const method = init?.method ?? 'GET';
    state.calls.push(`${method} ${url.pathname}`);
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    const json = (status: number, v: unknown) =>
      new Response(JSON.stringify(v), { status, headers: { 'content-type': 'application/json' } });
    if (url.pathname === '/2/webhooks' && method === 'GET') return json(200, { data: state.hooks });
    if (url.pathname === '/2/webhooks' && method === 'POST') {
      if (opts.crcPasses === false)
        return json(400, { title: 'Bad Request', detail: 'CRC failed', code: 'crc_validation_failed' });
      const hook = { id: String(state.hooks.length + 1), url: body.url, valid: true, created_at: 'now' };
      state.hooks.push(hook);
      return json(200, { data: hook });
    }
    if (url.pathname.startsWith('/2/webhooks/') && method === 'PUT') {
      const hook = state.hooks.find((h) => url.pathname.endsWith(`/${h.id}`))!;
      hook.valid = true;
      return json(200, { data: hook });
    }
    if (url.pathname === '/2/tweets/search/stream/rules' && method === 'GET')
      return json(200, state.rules.length ? { data: state.rules } : { meta: {} });
    if (url.pathname === '/2/tweets/search/stream/rules' && method === 'POST') {
      const added = body.add.map((r: { value: string; tag?: string }, i: number) => ({
        id: String(state.rules.length + i + 1),
        ...r,
      }));
      state.rules.push(...added);
      return json(201, { data: added });
    }
    return json(404, { title: 'Not Found' });
  };
  return {
    state,
    social: createSocialClient({ baseUrl: () => 'http://social.test', bearerToken: 't', fetch }),
  };
}

describe('ensureSocialWebhook', () => {
  it('registers the webhook and the rule once; a second start keeps both', async () => {
    const { state, social } = standIn();
    const url = 'http://notifier.test/webhooks/social';
    const first = await ensureSocialWebhook({ social, url, rule: '#dresses' });
    const second = await ensureSocialWebhook({ social, url, rule: '#dresses' });
    expect(first).toMatchObject({ id: '1', ruleId: '1', created: true });
    expect(second).toMatchObject({ id: '1', ruleId: '1', created: false });
    expect(state.hooks).toHaveLength(1);
    expect(state.rules.map((r) => r.value)).toEqual(['#dresses']);
  });

  it('re-validates a webhook that failed its CRC while the notifier was down', async () => {
    const { state, social } = standIn();
    state.hooks.push({ id: '9', url: 'http://n.test/webhooks/social', valid: false, created_at: 'then' });
    const r = await ensureSocialWebhook({ social, url: 'http://n.test/webhooks/social', rule: '#dresses' });
    expect(r.id).toBe('9');
    expect(state.calls).toContain('PUT /2/webhooks/9');
    expect(state.hooks[0]!.valid).toBe(true);
  });

  it('fails (and is retried by the caller) when social’s CRC does not pass', async () => {
    const { social } = standIn({ crcPasses: false });
    await expect(
      ensureSocialWebhook({ social, url: 'http://n.test/webhooks/social', rule: '#dresses' }),
    ).rejects.toBeInstanceOf(SocialApiError);
  });
});

describe('cachedAuthors', () => {
  const ADA: SocialUser = { id: '2', name: 'Ada Lovelace', username: 'ada' };
  function counting(answer: (id: string) => Promise<SocialUser | undefined>) {
    const asked: string[] = [];
    return {
      asked,
      social: {
        user: (id: string) => {
          asked.push(id);
          return answer(id);
        },
      },
    };
  }

  it('asks social once per author, concurrent asks sharing the call, until the entry runs out', async () => {
    let t = 0;
    const { asked, social } = counting(async (id) => (id === '2' ? ADA : undefined));
    const authorOf = cachedAuthors(social, { ttlMs: 1000, now: () => t });
    expect(await Promise.all([authorOf('2'), authorOf('2')])).toEqual([ADA, ADA]);
    expect(await authorOf('2')).toEqual(ADA);
    expect(await authorOf('9')).toBeUndefined();
    expect(await authorOf('9')).toBeUndefined();
    expect(asked).toEqual(['2', '9']);
    t = 150; // an unknown id is kept a tenth as long, so a new account shows up soon
    await authorOf('9');
    await authorOf('2');
    expect(asked).toEqual(['2', '9', '9']);
    t = 1001;
    await authorOf('2');
    expect(asked).toEqual(['2', '9', '9', '2']);
  });

  it('gives undefined when social fails, and asks again next time (a failure is not kept)', async () => {
    let down = true;
    const { asked, social } = counting(async () => {
      if (down) throw new SocialApiError(503, { title: 'Service Unavailable' });
      return ADA;
    });
    const authorOf = cachedAuthors(social);
    expect(await authorOf('2')).toBeUndefined();
    down = false;
    expect(await authorOf('2')).toEqual(ADA);
    expect(asked).toEqual(['2', '2']);
  });

  it('reads X’s answers through the client: data for a user, nothing for X’s 200 with errors', async () => {
    const seen: { url: string; auth: string | null }[] = [];
    const social = createSocialClient({
      baseUrl: () => 'http://social.test/',
      bearerToken: 'AAAA-test',
      fetch: async (input, init) => {
        const url = String(input);
        seen.push({ url, auth: new Headers(init?.headers).get('authorization') });
        const body = url.endsWith('/2/users/2')
          ? { data: ADA }
          : { errors: [{ title: 'Not Found Error', resource_type: 'user', value: '9' }] };
        return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
      },
    });
    expect(await social.user('2')).toEqual(ADA);
    expect(await social.user('9')).toBeUndefined();
    expect(seen).toEqual([
      { url: 'http://social.test/2/users/2', auth: 'Bearer AAAA-test' },
      { url: 'http://social.test/2/users/9', auth: 'Bearer AAAA-test' },
    ]);
  });
});
