import { randomBytes } from 'node:crypto';
import {
  discover,
  type SigningScheme,
  signHub,
  signSlack,
  signStandard,
  signStripe,
  signX,
} from '@hooklab/webhooks';
import Stripe from 'stripe';
import { type Defender, startDefender } from './defender.ts';
import { startWebSubDefender } from './defender-websub.ts';
import { logisticsKeys, sampleOrder } from './logistics-receiver.ts';
import { paymentsKeys, stripeErrorOf, stripeFor } from './payments-client.ts';
import { check, defineScenario, type ScenarioContext, waitFor } from './scenario.ts';
import { SocialApiError, socialClient } from './social-client.ts';

/** One attack and what answered it. */
export interface Trial {
  side: 'api' | 'webhook' | 'rotation' | 'ssrf' | 'input';
  target: string;
  attack: string;
  answer: string;
  refused: boolean;
}

export interface S15Result {
  trials: Trial[];
  /** Genuine events that took effect, by scheme: each exactly once. */
  effects: Partial<Record<SigningScheme, number>>;
  /** Refusal bodies that carried a secret, key or token (must be none). */
  leaks: string[];
  /** WebSub: content the subscriber library let through, and signed copies it acknowledged but ignored. */
  websub: { delivered: number; ignored: number };
}

const TEN_MINUTES = 600;
const SECRET_MARKERS = [
  /whsec_[A-Za-z0-9+/=]{8,}/,
  /sk_(test|live)_[A-Za-z0-9]{4,}/,
  /lg_test_[a-z]{4,}/,
  /xox[bp]-/,
];

export const s15 = defineScenario<S15Result>({
  id: 'S15',
  title: 'Rights and trust on both sides',
  story:
    'Every attack a provider or a receiver should withstand, tried against the running apps and answered. On the ' +
    'API side: no key, a key without the scope, another tenant’s object, and a burst over the rate limit. On the ' +
    'webhook side, for each scheme (Stripe, Standard Webhooks, Slack v0, WebSub’s X-Hub-Signature, X’s CRC and ' +
    'signature): forged, tampered, stale, future and replayed messages against receivers that verify on the raw ' +
    'body, a secret rotated with an overlap, and callback URLs aimed at internal addresses. Oversized and ' +
    'malformed bodies get a clear 4xx. Each result is asserted: nothing refused gets through, every genuine event ' +
    'takes effect exactly once, and no refusal leaks a secret.',
  actors: ['payments', 'logistics', 'shop', 'slack', 'notifier', 'hub', 'ticker', 'social'],
  steps: [
    'Keys, scopes, tenants: no key → 401, a read-only key writing → 403, another tenant’s object → 404; Slack: not_authed, invalid_auth, missing_scope',
    'Stripe signatures: a genuine delivery verifies; forged, tampered, stale, future and replayed copies do not',
    'Standard Webhooks: the same attacks on a genuine logistics callback, and on the apps’ own receivers',
    'Slack v0: an app whose request URL passed url_verification gets a genuine event; the five attacks on it; the notifier’s Bolt receiver refuses forged and stale requests',
    'WebSub: a signed subscription through the hub; forged and tampered copies acknowledged but ignored, an unsigned one refused; an internal callback refused by the hub',
    'X: a webhook that answers the CRC wrongly is not registered; a genuine delivery verifies, forged and tampered copies do not, a replay is deduped (no timestamp to be stale)',
    'Secret rotation: both secrets verify during the overlap, only the new one after',
    'SSRF: callback URLs aimed at internal addresses are refused at registration (loopback only in dev mode)',
    'Oversized and malformed bodies: a clear 4xx in each service’s own format',
    'Rate limits: a burst over the per-key limit (Slack: the method’s tier) → 429 with Retry-After; after waiting, the next call succeeds',
    'Nothing lost, nothing leaked: each genuine event took effect once; no refusal carried a secret',
  ],
  async run(ctx) {
    const trials: Trial[] = [];
    const bodies: string[] = [];
    const record = (t: Trial, body?: string) => {
      trials.push(t);
      if (body) bodies.push(body);
      ctx.say(`${t.refused ? 'refused' : 'NOT REFUSED'} · ${t.target} · ${t.attack} → ${t.answer}`);
      check(t.refused, `${t.target}: ${t.attack} was not refused (${t.answer})`, t);
    };
    const pk = paymentsKeys(ctx);
    const lk = logisticsKeys(ctx);
    const sk = slackKeys(ctx);
    const stripe = stripeFor(ctx, pk.secret);
    const defender = await startDefender();
    const cleanups: (() => Promise<unknown>)[] = [];
    try {
      ctx.step(0);
      await apiRights(ctx, record);
      await slackApiRights(ctx, record, sk);

      ctx.step(1);
      const created = await stripe.webhookEndpoints.create({
        url: `${defender.url}/stripe`,
        enabled_events: ['product.created'],
        description: 'S15 defender',
      });
      defender.secrets.set('stripe', [created.secret!]);
      ctx.say(`defender registered at payments: ${created.id} (dev mode lets it live on loopback)`);
      const genuine = await nextStripeDelivery(stripe, defender, 'S15 genuine');
      ctx.say('a genuine product.created arrived and verified');
      await attackReceiver(ctx, record, {
        target: 'a Stripe receiver',
        url: `${defender.url}/stripe`,
        genuine,
        sign: (body, ts, secrets) => signStripe({ timestampSec: ts, body, secrets }),
        secret: created.secret!,
      });
      const shopForged = await post(ctx, `${ctx.urls.shop}/webhooks/stripe`, genuine.body, {
        ...signStripe({ timestampSec: now(), body: genuine.body, secrets: [fakeWhsec()] }),
        'content-type': 'application/json',
      });
      record(
        {
          side: 'webhook',
          target: 'shop /webhooks/stripe',
          attack: 'forged Stripe-Signature',
          ...shopForged,
        },
        shopForged.body,
      );

      ctx.step(2);
      defender.secrets.set('standard', [lk.callbackSecret]);
      const order = sampleOrder(`ord_s15_${Date.now().toString(36)}`, {
        callback_url: `${defender.url}/standard`,
      });
      const shipment = await ctx.fetch(`${ctx.urls.logistics}/v1/shipments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${lk.key}`, 'content-type': 'application/json' },
        body: JSON.stringify(order),
      });
      check(shipment.status === 202, `logistics answered ${shipment.status} to a valid shipment`);
      const callback = await waitFor(() => defender.arrivals.find((a) => a.scheme === 'standard'), {
        what: 'a genuine logistics callback',
        timeoutMs: 30_000,
      });
      await waitFor(() => (defender.effects.get('standard')?.length ?? 0) >= 1, { what: 'it to verify' });
      ctx.say(`a genuine ${JSON.parse(callback.body).type} arrived and verified`);
      await attackReceiver(ctx, record, {
        target: 'a Standard Webhooks receiver',
        url: `${defender.url}/standard`,
        genuine: callback,
        sign: (body, ts, secrets) =>
          signStandard({ id: callback.headers['webhook-id'] ?? 'msg_x', timestampSec: ts, body, secrets }),
        secret: lk.callbackSecret,
      });
      for (const [target, url] of [
        ['shop /webhooks/logistics', `${ctx.urls.shop}/webhooks/logistics`],
        ['logistics /v1/inbound/orders', `${ctx.urls.logistics}/v1/inbound/orders`],
      ] as const) {
        const forged = await post(ctx, url, callback.body, {
          ...signStandard({
            id: `msg_${randomBytes(6).toString('hex')}`,
            timestampSec: now(),
            body: callback.body,
            secrets: [fakeWhsec()],
          }),
          'content-type': 'application/json',
          'x-merchant-id': 'mer_atelier',
        });
        record({ side: 'webhook', target, attack: 'forged webhook-signature', ...forged }, forged.body);
      }

      ctx.step(3);
      const slackApp = await slackEvents(ctx, record, defender, sk, cleanups);

      ctx.step(4);
      const websub = await webSub(ctx, record, cleanups);

      ctx.step(5);
      await xWebhooks(ctx, record, defender, cleanups);

      ctx.step(6);
      await rotation(ctx, record, stripe, defender, created.id);

      ctx.step(7);
      await ssrf(ctx, record, stripe, lk.key);

      ctx.step(8);
      await badBodies(ctx, record, pk.secret, lk.key, bodies);

      ctx.step(9);
      await rateLimits(ctx, record, pk.secret, lk.key, slackApp.botToken);

      ctx.step(10);
      const effects: S15Result['effects'] = {};
      for (const [scheme, ids] of defender.effects) {
        effects[scheme] = ids.length;
        check(new Set(ids).size === ids.length, `a ${scheme} event took effect twice`, ids);
      }
      const usedSecrets = [
        slackApp.signingSecret,
        sk.signingSecret,
        websub.secret,
        ...(defender.secrets.get('x') ?? []),
      ];
      const leaks = bodies.filter(
        (b) => SECRET_MARKERS.some((m) => m.test(b)) || usedSecrets.some((secret) => b.includes(secret)),
      );
      check(leaks.length === 0, 'a refusal carried a secret', leaks);
      ctx.say(
        `${trials.length} attacks, all refused; genuine events took effect once each (${Object.entries(
          effects,
        )
          .map(([k, v]) => `${k}: ${v}`)
          .join(
            ', ',
          )}; WebSub: ${websub.delivered} verified, ${websub.ignored} ignored); no refusal carried a secret`,
      );
      return { trials, effects, leaks, websub: { delivered: websub.delivered, ignored: websub.ignored } };
    } finally {
      for (const cleanup of cleanups.reverse())
        await cleanup().catch((err: unknown) =>
          ctx.say(`clean-up left something behind: ${(err as Error).message}`),
        );
      await defender.close();
    }
  },
});

type Recorder = (t: Trial, body?: string) => void;
const now = () => Math.floor(Date.now() / 1000);
const fakeWhsec = () => `whsec_${randomBytes(24).toString('base64')}`;

async function post(ctx: ScenarioContext, url: string, body: string, headers: Record<string, string>) {
  const res = await ctx.fetch(url, { method: 'POST', headers, body });
  const text = await res.text();
  return {
    answer: `${res.status} ${brief(text)}`,
    refused: res.status >= 400 && res.status < 500,
    body: text,
    status: res.status,
  };
}

function brief(text: string): string {
  try {
    const j = JSON.parse(text) as {
      code?: string;
      error?: { code?: string; type?: string } | string;
      duplicate?: boolean;
    };
    if (j.duplicate) return 'duplicate, ignored';
    if (typeof j.error === 'object') return j.error.code ?? j.error.type ?? '';
    return j.code ?? (typeof j.error === 'string' ? j.error : '');
  } catch {
    return text.slice(0, 60);
  }
}

async function nextStripeDelivery(
  stripe: Stripe,
  defender: Awaited<ReturnType<typeof startDefender>>,
  name: string,
) {
  const product = await stripe.products.create({ name });
  return waitFor(() => defender.arrivals.find((a) => a.scheme === 'stripe' && a.body.includes(product.id)), {
    what: `the delivery of ${product.id}`,
    timeoutMs: 30_000,
  });
}

/** Forged, tampered, stale, future and replayed copies of a genuine delivery, sent to a verifying receiver. */
async function attackReceiver(
  ctx: ScenarioContext,
  record: Recorder,
  o: {
    target: string;
    url: string;
    genuine: { headers: Record<string, string>; body: string };
    sign: (body: string, ts: number, secrets: string[]) => Record<string, string>;
    secret: string;
    /** False for schemes that sign no timestamp (X): stale and future copies mean nothing there. */
    timestamped?: boolean;
  },
) {
  const json = { 'content-type': 'application/json' };
  const tampered = o.genuine.body.replace(/"livemode":\s*false/, '"livemode":true').replace(/}$/, ',"x":1}');
  const signatureHeaders = (h: Record<string, string>) =>
    Object.fromEntries(Object.entries(h).filter(([k]) => /signature|webhook-|stripe|timestamp/i.test(k)));
  const attacks: [string, string, Record<string, string>][] = [
    ['forged: signed with a guessed secret', o.genuine.body, o.sign(o.genuine.body, now(), [fakeWhsec()])],
    ['tampered: the genuine signature on a changed body', tampered, signatureHeaders(o.genuine.headers)],
  ];
  if (o.timestamped === false) {
    ctx.say(
      `${o.target}: the scheme signs no timestamp, so there is no stale or future copy; replays are deduped`,
    );
  } else
    attacks.push(
      // Stand-ins for a captured message presented ten minutes late (or early): the timestamp is signed, so an
      // attacker cannot move it; only the receiver's tolerance decides.
      [
        'stale: timestamp ten minutes old',
        o.genuine.body,
        o.sign(o.genuine.body, now() - TEN_MINUTES, [o.secret]),
      ],
      [
        'future: timestamp ten minutes ahead',
        o.genuine.body,
        o.sign(o.genuine.body, now() + TEN_MINUTES, [o.secret]),
      ],
    );
  for (const [attack, body, headers] of attacks) {
    const r = await post(ctx, o.url, body, { ...json, ...headers });
    record({ side: 'webhook', target: o.target, attack, ...r }, r.body);
  }
  // The genuine message again, unchanged and in time: verified, and recognised as already handled.
  const replay = await post(ctx, o.url, o.genuine.body, { ...json, ...signatureHeaders(o.genuine.headers) });
  record({
    side: 'webhook',
    target: o.target,
    attack: 'replayed: the genuine message sent again',
    answer: replay.answer,
    refused: replay.status === 200 && replay.answer.includes('duplicate'),
  });
}

async function apiRights(ctx: ScenarioContext, record: Recorder) {
  const pk = paymentsKeys(ctx);
  const lk = logisticsKeys(ctx);
  const p = ctx.urls.payments;
  const noKey = await ctx.fetch(`${p}/v1/payment_intents`);
  await noKey.body?.cancel();
  record({
    side: 'api',
    target: 'payments',
    attack: 'no API key',
    answer: `${noKey.status}`,
    refused: noKey.status === 401,
  });
  const restricted = await stripeErrorOf(() =>
    stripeFor(ctx, pk.restricted).products.create({ name: 'nope' }),
  );
  record({
    side: 'api',
    target: 'payments',
    attack: 'read-only restricted key creating a product',
    answer: `${restricted.statusCode} ${restricted.code}`,
    refused: restricted.statusCode === 403,
  });
  const mine = await stripeFor(ctx, pk.secret).products.create({ name: 'S15 tenant check' });
  const other = await stripeErrorOf(() => stripeFor(ctx, pk.other).products.retrieve(mine.id));
  record({
    side: 'api',
    target: 'payments',
    attack: 'another account’s product',
    answer: `${other.statusCode} ${other.code}`,
    refused: other.statusCode === 404,
  });

  const l = ctx.urls.logistics;
  const lNoKey = await ctx.fetch(`${l}/v1/shipments/shp_x`);
  await lNoKey.body?.cancel();
  record({
    side: 'api',
    target: 'logistics',
    attack: 'no API key',
    answer: `${lNoKey.status}`,
    refused: lNoKey.status === 401,
  });
  const ro = await ctx.fetch(`${l}/v1/shipments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${lk.readonly}`, 'content-type': 'application/json' },
    body: JSON.stringify(sampleOrder('ord_s15_ro')),
  });
  record({
    side: 'api',
    target: 'logistics',
    attack: 'read-only key creating a shipment',
    answer: `${ro.status}`,
    refused: ro.status === 403,
  });
  const created = await ctx.fetch(`${l}/v1/shipments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${lk.key}`, 'content-type': 'application/json' },
    body: JSON.stringify(sampleOrder(`ord_s15_t_${Date.now().toString(36)}`)),
  });
  const { id } = (await created.json()) as { id: string };
  const cross = await ctx.fetch(`${l}/v1/shipments/${id}`, {
    headers: { authorization: `Bearer ${lk.other}` },
  });
  await cross.body?.cancel();
  record({
    side: 'api',
    target: 'logistics',
    attack: 'another merchant’s shipment',
    answer: `${cross.status}`,
    refused: cross.status === 404,
  });
  const backOffice = await ctx.fetch(`${ctx.urls.shop}/api/orders`, {
    headers: { accept: 'application/json' },
  });
  record({
    side: 'api',
    target: 'shop',
    attack: 'the order list without the back-office key',
    answer: `${backOffice.status}`,
    refused: backOffice.status === 401,
  });
}

async function rotation(
  ctx: ScenarioContext,
  record: Recorder,
  stripe: Stripe,
  defender: Awaited<ReturnType<typeof startDefender>>,
  endpointId: string,
) {
  const verifier = new Stripe('sk_test_unused', { telemetry: false });
  const verifies = (d: { headers: Record<string, string>; body: string }, secret: string) => {
    try {
      verifier.webhooks.constructEvent(d.body, d.headers['stripe-signature'] ?? '', secret);
      return true;
    } catch {
      return false;
    }
  };
  const roll = (seconds: number) =>
    stripe.rawRequest('POST', `/v1/webhook_endpoints/${endpointId}/roll_secret`, {
      previous_secret_expires_in: seconds,
    }) as unknown as Promise<{ secret: string; previous_secret_expires_at: number | null }>;
  const old = defender.secrets.get('stripe')![0]!;
  const first = await roll(3600);
  // The receiver deploys the new secret; deliveries still verify with either during the overlap.
  defender.secrets.set('stripe', [first.secret]);
  const during = await nextStripeDelivery(stripe, defender, 'S15 during the overlap');
  check(verifies(during, old) && verifies(during, first.secret), 'during the overlap both secrets verify');
  ctx.say(
    `rolled with an hour's overlap: the delivery carries two v1= and verifies with the old and the new secret`,
  );
  const second = await roll(0);
  defender.secrets.set('stripe', [second.secret]);
  const after = await nextStripeDelivery(stripe, defender, 'S15 after the overlap');
  check(verifies(after, second.secret), 'the newest secret verifies');
  record({
    side: 'rotation',
    target: 'payments → Stripe receiver',
    attack: 'the rolled-out secret, after its overlap ended',
    answer: verifies(after, first.secret) ? 'still verifies' : 'signature refused',
    refused: !verifies(after, first.secret) && !verifies(after, old),
  });
}

async function ssrf(ctx: ScenarioContext, record: Recorder, stripe: Stripe, logisticsKey: string) {
  for (const url of [
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.7/hooks',
    'http://[::ffff:192.168.1.1]/x',
  ]) {
    const err = await stripeErrorOf(() => stripe.webhookEndpoints.create({ url, enabled_events: ['*'] }));
    record({
      side: 'ssrf',
      target: 'payments webhook endpoint',
      attack: url,
      answer: `${err.statusCode} ${err.code ?? err.type}`,
      refused: err.statusCode === 400,
    });
  }
  for (const url of ['http://0xa9fea9fe/latest/', 'http://100.100.100.200/meta', 'http://[fd00::1]/cb']) {
    const res = await ctx.fetch(`${ctx.urls.logistics}/v1/shipments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${logisticsKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(sampleOrder(`ord_s15_ssrf_${Date.now().toString(36)}`, { callback_url: url })),
    });
    record({
      side: 'ssrf',
      target: 'logistics callback_url',
      attack: url,
      answer: `${res.status}`,
      refused: res.status >= 400 && res.status < 500,
    });
  }
  ctx.say(
    'loopback callbacks (like this scenario’s receiver) are allowed only in dev mode or with WEBHOOK_ALLOW_LOOPBACK=1',
  );
}

async function badBodies(ctx: ScenarioContext, record: Recorder, sk: string, lk: string, bodies: string[]) {
  const form = { authorization: `Bearer ${sk}`, 'content-type': 'application/x-www-form-urlencoded' };
  const cases: [string, string, RequestInit][] = [
    [
      'payments',
      'a 300 KB form body',
      { method: 'POST', headers: form, body: `name=${'x'.repeat(300 * 1024)}` },
    ],
    ['payments', 'amount=abc', { method: 'POST', headers: form, body: 'amount=abc&currency=eur' }],
  ];
  for (const [target, attack, init] of cases) {
    const path = attack === 'amount=abc' ? '/v1/payment_intents' : '/v1/products';
    const res = await ctx.fetch(`${ctx.urls.payments}${path}`, init);
    const text = await res.text();
    bodies.push(text);
    record({
      side: 'input',
      target,
      attack,
      answer: `${res.status} ${brief(text)}`,
      refused: res.status === 400 || res.status === 413,
    });
  }
  const json = { authorization: `Bearer ${lk}`, 'content-type': 'application/json' };
  for (const [attack, body] of [
    ['malformed JSON', '{"order_id": "ord_1",'],
    ['a 100 KB JSON body', JSON.stringify({ pad: 'x'.repeat(100 * 1024) })],
    ['wrong types', JSON.stringify({ order_id: 42, items: 'many' })],
  ] as const) {
    const res = await ctx.fetch(`${ctx.urls.logistics}/v1/shipments`, {
      method: 'POST',
      headers: json,
      body,
    });
    const text = await res.text();
    bodies.push(text);
    const problem = (res.headers.get('content-type') ?? '').startsWith('application/problem+json');
    record({
      side: 'input',
      target: 'logistics',
      attack,
      answer: `${res.status} ${brief(text)}`,
      refused: problem && res.status >= 400 && res.status < 500,
    });
  }
}

/** Bursts until the limiter answers (a slow machine may spread one burst over two windows). */
async function burstUntilLimited(call: () => Promise<Response>, size: number): Promise<Response | undefined> {
  for (let round = 0; round < 3; round++) {
    // A GET may meet a keep-alive socket the server is closing at that instant: sent again once, as clients do.
    const answers = await Promise.all(Array.from({ length: size }, () => call().catch(() => call())));
    const limited = answers.find((r) => r.status === 429);
    await Promise.all(answers.map((r) => r.body?.cancel()));
    if (limited) return limited;
  }
  return undefined;
}

async function rateLimits(ctx: ScenarioContext, record: Recorder, sk: string, lk: string, slackBot: string) {
  const slackList = (f: typeof fetch) => () =>
    f(`${ctx.urls.slack}/api/conversations.list?limit=1`, {
      headers: { authorization: `Bearer ${slackBot}` },
    });
  const size = Number(ctx.params.burst ?? 250);
  const targets: [string, () => Promise<Response>, () => Promise<Response>][] = [
    [
      'payments',
      () => fetch(`${ctx.urls.payments}/v1/products?limit=1`, { headers: { authorization: `Bearer ${sk}` } }),
      () =>
        ctx.fetch(`${ctx.urls.payments}/v1/products?limit=1`, { headers: { authorization: `Bearer ${sk}` } }),
    ],
    [
      'logistics',
      () =>
        fetch(`${ctx.urls.logistics}/v1/shipments/shp_burst`, { headers: { authorization: `Bearer ${lk}` } }),
      () =>
        ctx.fetch(`${ctx.urls.logistics}/v1/shipments/shp_burst`, {
          headers: { authorization: `Bearer ${lk}` },
        }),
    ],
    // conversations.list is tier 2 (20 a minute per token in Slack; × SLACK_RATE_LIMIT_SCALE here).
    ['slack conversations.list', slackList(fetch), slackList(ctx.fetch as typeof fetch)],
  ];
  for (const [target, call, probe] of targets) {
    const limited = await burstUntilLimited(call, size);
    const retryAfter = Number(limited?.headers.get('retry-after'));
    record({
      side: 'api',
      target,
      attack: `a burst of ${size} requests with one key`,
      answer: limited ? `429, Retry-After: ${retryAfter}` : 'never limited',
      refused: Boolean(limited) && retryAfter >= 1,
    });
    // A client that honours Retry-After: wait what it says, call again. The tail of a burst that spanned
    // two windows may have filled the next one too, so a second 429 is answered the same way (at most twice).
    let wait = retryAfter;
    let waited = 0;
    let after: Response | undefined;
    for (let tries = 0; tries < 3; tries++) {
      await new Promise((r) => setTimeout(r, wait * 1000 + 50));
      waited += wait;
      after = await probe();
      await after.body?.cancel();
      if (after.status !== 429) break;
      wait = Math.max(1, Number(after.headers.get('retry-after')) || 1);
    }
    check(after && after.status !== 429, `${target} still refused after waiting Retry-After (${waited} s)`);
    ctx.say(
      `${target}: after waiting ${waited} s, as Retry-After said, the next call was answered ${after.status}`,
    );
  }
}

/** apps/slack's dev credentials (its README), overridable for a workspace set up otherwise. */
function slackKeys(ctx: ScenarioContext) {
  return {
    userToken: String(ctx.params.slack_user_token ?? ctx.keys.slack ?? 'xoxp-hooklab'),
    adminKey: String(ctx.params.slack_admin_key ?? 'slack_admin_hooklab'),
    /** The seeded app's signing secret, which the notifier's Bolt receiver verifies with. */
    signingSecret: String(ctx.params.slack_signing_secret ?? 'hooklab-slack-signing-secret-dev'),
  };
}
type SlackKeys = ReturnType<typeof slackKeys>;

/** One Web API call as a form POST; Slack answers 200 with `{ok, error?}` (429 when rate limited). */
async function slackCall(
  ctx: ScenarioContext,
  method: string,
  token: string | null,
  args: Record<string, string> = {},
) {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await ctx.fetch(`${ctx.urls.slack}/api/${method}`, {
    method: 'POST',
    headers,
    body: new URLSearchParams(args).toString(),
  });
  const text = await res.text();
  const json = JSON.parse(text) as { ok: boolean; error?: string; needed?: string } & Record<string, unknown>;
  return { status: res.status, text, json };
}

async function slackApiRights(ctx: ScenarioContext, record: Recorder, sk: SlackKeys) {
  const cases: [string, string, string | null, string, Record<string, string>][] = [
    ['no token', 'auth.test', null, 'not_authed', {}],
    ['a made-up token', 'auth.test', `xoxb-${randomBytes(8).toString('hex')}`, 'invalid_auth', {}],
    [
      'a user token without channels:manage creating a channel',
      'conversations.create',
      sk.userToken,
      'missing_scope',
      { name: `s15-${Date.now().toString(36)}` },
    ],
  ];
  for (const [attack, method, token, expected, args] of cases) {
    const r = await slackCall(ctx, method, token, args);
    record(
      {
        side: 'api',
        target: `slack ${method}`,
        attack,
        answer: `${r.status} ok:${r.json.ok} ${r.json.error ?? ''}${r.json.needed ? ` (needed ${r.json.needed})` : ''}`,
        refused: r.status === 200 && !r.json.ok && r.json.error === expected,
      },
      r.text,
    );
  }
}

async function slackAdmin(ctx: ScenarioContext, sk: SlackKeys, method: string, path: string, body: unknown) {
  const res = await ctx.fetch(`${ctx.urls.slack}/admin${path}`, {
    method,
    headers: { authorization: `Bearer ${sk.adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json().catch(() => ({}))) as Record<string, unknown> };
}

/**
 * A Slack app of the scenario's own whose request URL is the defender (it must pass url_verification first),
 * its bot in #social, a person's message there → a genuine signed event; then the attacks, and the notifier's
 * own Bolt receiver.
 */
async function slackEvents(
  ctx: ScenarioContext,
  record: Recorder,
  defender: Defender,
  sk: SlackKeys,
  cleanups: (() => Promise<unknown>)[],
) {
  const created = await slackAdmin(ctx, sk, 'POST', '/apps', {
    name: `S15 defender ${randomBytes(3).toString('hex')}`,
    scopes: ['channels:read', 'channels:join', 'chat:write'],
  });
  check(
    created.status === 200 || created.status === 201,
    `slack admin answered ${created.status} to a new app`,
  );
  const app = created.json as { id: string; bot_token: string; signing_secret: string };
  // Deleted at the end (its undelivered events are canceled), so no run leaves an app behind.
  cleanups.push(async () => {
    const gone = await slackAdmin(ctx, sk, 'DELETE', `/apps/${app.id}`, undefined);
    if (gone.status !== 204) throw new Error(`slack app ${app.id} not deleted (${gone.status})`);
  });
  defender.secrets.set('slack', [app.signing_secret]);
  const wrong = await slackAdmin(ctx, sk, 'PATCH', `/apps/${app.id}`, {
    event_request_url: `${defender.url}/nowhere`,
    event_types: ['message.channels'],
  });
  record({
    side: 'webhook',
    target: 'slack app settings',
    attack: 'a request URL that does not echo the url_verification challenge',
    answer: `${wrong.status} ${String(wrong.json.code ?? wrong.json.title ?? '')}`,
    refused: wrong.status === 400,
  });
  const patched = await slackAdmin(ctx, sk, 'PATCH', `/apps/${app.id}`, {
    event_request_url: `${defender.url}/slack`,
    event_types: ['message.channels'],
  });
  check(patched.status === 200, `slack kept the request URL only after url_verification (${patched.status})`);
  ctx.say(`Slack app ${app.id}: the defender answered url_verification, so its request URL was stored`);

  const list = await slackCall(ctx, 'conversations.list', app.bot_token, { limit: '200' });
  const channel = (list.json.channels as { id: string; name: string }[] | undefined)?.find(
    (c) => c.name === 'social',
  );
  check(channel, 'slack has a #social channel', list.json);
  const joined = await slackCall(ctx, 'conversations.join', app.bot_token, { channel: channel.id });
  check(joined.json.ok, `the bot could not join #social (${joined.json.error})`);
  const text = `S15 genuine event ${randomBytes(4).toString('hex')}`;
  const posted = await slackCall(ctx, 'chat.postMessage', sk.userToken, { channel: channel.id, text });
  check(posted.json.ok, `a person could not post in #social (${posted.json.error})`);
  const genuine = await waitFor(
    () => defender.arrivals.find((a) => a.scheme === 'slack' && a.body.includes(text)),
    { what: 'the Events API delivery of the message', timeoutMs: 30_000 },
  );
  await waitFor(() => defender.effects.get('slack')?.includes(JSON.parse(genuine.body).event_id), {
    what: 'it to verify',
  });
  ctx.say('a genuine message event arrived, signed with the app’s signing secret, and verified');
  await attackReceiver(ctx, record, {
    target: 'a Slack v0 receiver',
    url: `${defender.url}/slack`,
    genuine,
    sign: (body, ts, secrets) => signSlack({ timestampSec: ts, body, secrets }),
    secret: app.signing_secret,
  });

  const bolt = `${ctx.urls.notifier}/slack/events`;
  for (const [attack, headers] of [
    [
      'forged X-Slack-Signature',
      signSlack({ timestampSec: now(), body: genuine.body, secrets: [fakeWhsec()] }),
    ],
    [
      'stale: signed with its secret ten minutes ago',
      signSlack({ timestampSec: now() - TEN_MINUTES, body: genuine.body, secrets: [sk.signingSecret] }),
    ],
  ] as const) {
    const r = await post(ctx, bolt, genuine.body, { 'content-type': 'application/json', ...headers });
    record({ side: 'webhook', target: 'notifier /slack/events (Bolt)', attack, ...r }, r.body);
  }
  return { botToken: app.bot_token, signingSecret: app.signing_secret };
}

/**
 * WebSub through the hub: the library subscribes with a secret to a ticker topic, a genuine signed distribution
 * arrives, then copies of it are sent to the callback. WebSub §8: content whose signature fails is acknowledged
 * (2xx) and ignored, so the witness is the library's own count of ignored deliveries, not the status.
 */
async function webSub(ctx: ScenarioContext, record: Recorder, cleanups: (() => Promise<unknown>)[]) {
  const secret = `s15-websub-${randomBytes(12).toString('hex')}`;
  const ws = await startWebSubDefender(ctx);
  cleanups.push(() => ws.close());
  const found = await discover(`${ctx.urls.ticker}/topics/${String(ctx.params.symbol ?? 'ACME')}`, {
    fetch: ctx.fetch as never,
  });
  check(found.hubs.length > 0, 'the ticker topic advertises a hub');
  const sub = await ws.subscriber.subscribe({
    topic: found.topic,
    hub: found.hubs[0],
    secret,
    leaseSeconds: 120,
  });
  await ws.subscriber.until(sub.id, ['active']);
  cleanups.push(async () => {
    await ws.subscriber.unsubscribe(sub.id);
    await ws.subscriber.until(sub.id, ['unsubscribed']);
    // The callback server stays up until the hub has recorded the verification, not just sent it.
    const origin = new URL(sub.callback).origin;
    await waitFor(
      async () => {
        const res = await ctx.fetch(
          `${ctx.urls.hub}/v1/subscriptions?topic=${encodeURIComponent(found.topic)}`,
        );
        const { data } = (await res.json()) as { data: { callback: string }[] };
        return !data.some((d) => d.callback.startsWith(origin));
      },
      { what: 'the hub to drop the subscription', intervalMs: 100 },
    );
  });
  ctx.say(`subscribed to ${found.topic} at ${found.hubs[0]} with a secret; the hub verified intent`);
  const genuine = await waitFor(
    () => ws.arrivals.find((a) => a.status === 204 && a.headers['x-hub-signature']),
    {
      what: 'a signed distribution from the hub',
      timeoutMs: 30_000,
    },
  );
  check(ws.received.length >= 1, 'the library let the genuine distribution through');
  ctx.say(
    `a genuine distribution arrived, ${genuine.headers['x-hub-signature']?.split('=')[0]}-signed, and verified`,
  );
  const tampered = genuine.body.replace(/}\s*$/, ',"x":1}');
  const attacks: [string, string, Record<string, string>, 'ignored' | 'refused'][] = [
    [
      'forged: signed with a guessed secret',
      genuine.body,
      signHub({
        algorithm: 'sha256',
        body: genuine.body,
        secrets: [`guess-${randomBytes(8).toString('hex')}`],
      }),
      'ignored',
    ],
    [
      'tampered: the genuine signature on a changed body',
      tampered,
      {
        'x-hub-signature': genuine.headers['x-hub-signature']!,
        'x-hub-signature-256': genuine.headers['x-hub-signature-256'] ?? genuine.headers['x-hub-signature']!,
      },
      'ignored',
    ],
    ['unsigned, though the subscription has a secret', genuine.body, {}, 'refused'],
  ];
  for (const [attack, body, headers, expected] of attacks) {
    const ignoredBefore = ws.subscriber.stats().deliveriesIgnored;
    const r = await post(ctx, genuine.url, body, {
      'content-type': genuine.headers['content-type'] ?? 'application/json',
      ...headers,
    });
    const ignored = ws.subscriber.stats().deliveriesIgnored - ignoredBefore;
    const letThrough = ws.received.some((c) => c.text() === body && body !== genuine.body);
    record(
      {
        side: 'webhook',
        target: 'a WebSub subscriber (X-Hub-Signature)',
        attack,
        answer: expected === 'ignored' ? `${r.status} ${r.body}, counted ignored` : r.answer,
        refused:
          !letThrough &&
          (expected === 'ignored' ? r.status >= 200 && r.status < 300 && ignored === 1 : r.status === 401),
      },
      r.body,
    );
  }
  ctx.say(
    'X-Hub-Signature signs no timestamp or id: a replayed copy re-delivers the topic’s state, which a subscriber may take twice',
  );
  const form = new URLSearchParams({
    'hub.mode': 'subscribe',
    'hub.topic': found.topic,
    'hub.callback': 'http://169.254.169.254/latest/meta-data/',
    'hub.secret': secret,
  });
  const res = await ctx.fetch(`${ctx.urls.hub}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  const text = await res.text();
  record(
    {
      side: 'ssrf',
      target: 'hub subscription',
      attack: 'hub.callback=http://169.254.169.254/latest/meta-data/',
      answer: `${res.status} ${text.slice(0, 60)}`,
      refused: res.status >= 400 && res.status < 500,
    },
    text,
  );
  const stats = ws.subscriber.stats();
  return { delivered: stats.deliveries, ignored: stats.deliveriesIgnored, secret };
}

/** X (social): the CRC at registration, then a genuine delivery and its copies. */
async function xWebhooks(
  ctx: ScenarioContext,
  record: Recorder,
  defender: Defender,
  cleanups: (() => Promise<unknown>)[],
) {
  const consumerSecret = String(
    ctx.params.social_consumer_secret ?? 'hooklab-social-notifier-consumer-secret',
  );
  const userToken = String(ctx.params.social_user_token ?? 'su_test_atelier');
  const client = socialClient({
    baseUrl: ctx.urls.social,
    bearerToken: ctx.keys.social ?? 'AAAAAAAAAAAAAAAAAAAAAHooklabNotifierDevBearer',
    fetch: ctx.fetch,
  });
  defender.secrets.set('x', [consumerSecret]);
  const wrong = await client.registerWebhook(`${defender.url}/x-wrong`).then(
    (w) => ({ status: 200, answer: `200 valid:${w.valid}` }),
    (err: unknown) =>
      err instanceof SocialApiError
        ? { status: err.status, answer: `${err.status} ${err.problem.code ?? err.problem.title ?? ''}` }
        : { status: 0, answer: String(err) },
  );
  record({
    side: 'webhook',
    target: 'social webhook registration (X CRC)',
    attack: 'a URL whose CRC answer is made with the wrong secret',
    answer: wrong.answer,
    refused: wrong.status === 400,
  });
  const hook = await client.registerWebhook(`${defender.url}/x`);
  check(hook.valid, 'the defender’s CRC answer was accepted');
  cleanups.push(() => client.deleteWebhook(hook.id));
  const tag = `s15x${randomBytes(4).toString('hex')}`;
  const [rule] = await client.addRules([{ value: `#${tag}`, tag: 'S15' }]);
  cleanups.push(() => client.deleteRules([rule!.id]));
  ctx.say(`webhook ${hook.id} registered (CRC passed) and a rule for #${tag}`);
  const posted = await client.post(userToken, `S15 genuine post #${tag}`);
  const genuine = await waitFor(
    () => defender.arrivals.find((a) => a.scheme === 'x' && a.body.includes(posted.id)),
    {
      what: `the delivery of post ${posted.id}`,
      timeoutMs: 30_000,
    },
  );
  await waitFor(() => (defender.effects.get('x')?.length ?? 0) >= 1, { what: 'it to verify' });
  ctx.say('a genuine delivery arrived and verified (x-twitter-webhooks-signature over the raw body)');
  await attackReceiver(ctx, record, {
    target: 'an X receiver',
    url: `${defender.url}/x`,
    genuine,
    sign: (body, _ts, secrets) => signX({ body, secrets }),
    secret: consumerSecret,
    timestamped: false,
  });
}
