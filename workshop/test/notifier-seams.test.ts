// The notifier's seams of `pnpm dev --exercise 09|10`, in a small live stack (slack, hub, ticker, notifier,
// and a shop stand-in): the reference module carries the traffic, marked; the untouched problem/ fails the
// way its README says. Witnesses are what arrives: messages in Slack, recorded exchanges, Slack's own verdict.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningApp } from '@hooklab/service';
import { freePort } from '@hooklab/service/ports';
import { afterEach, describe, expect, it } from 'vitest';
import { start as startHub } from '../../apps/hub/src/index.ts';
import { createMarketsFeed } from '../../apps/notifier/src/clients/websub.ts';
import { start as startNotifier } from '../../apps/notifier/src/index.ts';
import { start as startSlack } from '../../apps/slack/src/index.ts';
import { start as startTicker } from '../../apps/ticker/src/index.ts';
import { EXERCISES, modulePath, type Side } from '../exercises.ts';

const saved = { ...process.env };
const running: { close(): Promise<unknown> | unknown }[] = [];

afterEach(async () => {
  for (const r of running.splice(0).reverse()) await r.close();
  process.env = { ...saved };
});

function useExercise(id: '09' | '10', side: Side) {
  process.env.HOOKLAB_EXERCISE = id;
  process.env.HOOKLAB_EXERCISE_MODULE = modulePath(EXERCISES.find((e) => e.id === id)!, side);
}

async function poll<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not seen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The apps in this process on free ports, each told the others' URLs (as tests/src/stack.ts does). */
async function stack(apps: ('slack' | 'hub' | 'ticker' | 'notifier')[], extra: Record<string, string> = {}) {
  const env: Record<string, string> = {
    LOG_LEVEL: 'silent',
    HOOKLAB_DEV: '1',
    DATA_DIR: ':memory:',
    WEBHOOK_RETRY_SCHEDULE: 'local',
    HOST: '127.0.0.1',
    // Payments, the shop and social are not started: fixed secrets and switches skip registering with them.
    STRIPE_WEBHOOK_SECRET: 'whsec_workshop_test',
    SHOP_WEBHOOK_SECRET: 'whsec_d29ya3Nob3AtdGVzdA==',
    NOTIFIER_SOCIAL: '0',
    SLACK_RATE_LIMIT_SCALE: '0',
  };
  const ports = new Map<string, number>();
  for (const a of apps) {
    ports.set(a, await freePort());
    env[`${a.toUpperCase()}_URL`] = `http://127.0.0.1:${ports.get(a)}`;
  }
  Object.assign(env, extra);
  const starters = { slack: startSlack, hub: startHub, ticker: startTicker, notifier: startNotifier };
  const started: Partial<Record<(typeof apps)[number], RunningApp>> = {};
  for (const a of apps) {
    const app = await starters[a]({ ...env, PORT: String(ports.get(a)) });
    running.push(app);
    started[a] = app;
  }
  return { apps: started, url: (a: (typeof apps)[number]) => env[`${a.toUpperCase()}_URL`]! };
}

const notifierStatus = async (url: string) =>
  (await (await fetch(`${url}/api/status`)).json()) as {
    registrations: Record<string, string>;
    feeds: Record<string, string>;
  };

const slackMessages = async (slack: string, channel: string) =>
  (
    (await (await fetch(`${slack}/ui/channels/${channel}/messages`)).json()) as {
      messages: { text?: string }[];
    }
  ).messages;

const inbound = (app: RunningApp, path: string) =>
  app.recorder.list().filter((e) => e.direction === 'in' && new URL(e.url).pathname === path);

describe('exercise 09 in the notifier: the #markets WebSub subscriber', () => {
  const markets = (extra: Record<string, string> = {}) =>
    stack(['slack', 'hub', 'ticker', 'notifier'], {
      TICKER_SYMBOLS: 'ACME',
      TICKER_UPDATES_PER_SECOND: '10',
      NOTIFIER_MARKET_SYMBOLS: 'ACME',
      NOTIFIER_MARKET_ALERTS: 'ACME:0.1',
      ...extra,
    });

  it('the solution confirms, verifies and renews: alerts reach #markets, every hop it handled marked 09', async () => {
    useExercise('09', 'solution');
    // A 2 s lease, so the renewal (at 90 % by the solution's renewAt) happens while the test watches.
    const s = await markets({ HUB_LEASE_MIN_SECONDS: '1', NOTIFIER_MARKET_LEASE_SECONDS: '2' });
    const notifier = s.apps.notifier!;
    await poll('the markets feed registered', async () =>
      (await notifierStatus(s.url('notifier'))).feeds.markets === 'registered' ? true : undefined,
    );
    const alert = await poll('an ACME alert in #markets', async () =>
      (await slackMessages(s.url('slack'), 'markets')).find((m) => /^ACME (up|down) /.test(m.text ?? '')),
    );
    expect(alert.text).toMatch(/ % to /);
    const verifications = inbound(notifier, '/webhooks/markets').filter((e) => e.method === 'GET');
    expect(verifications[0]).toMatchObject({ status: 200 });
    expect(verifications[0]!.responseHeaders['x-hooklab-exercise']).toBe('09');
    const delivered = inbound(notifier, '/webhooks/markets').find(
      (e) => e.method === 'POST' && e.status === 204,
    );
    expect(delivered?.responseHeaders['x-hooklab-exercise']).toBe('09');
    // The renewal the attendee's renewAt timed reaches the hub marked, and is verified again.
    const renewal = await poll('a renewal at the hub', () =>
      inbound(s.apps.hub!, '/').find(
        (e) => e.method === 'POST' && e.requestHeaders['x-hooklab-exercise'] === '09',
      ),
    );
    expect(renewal.status).toBe(202);
    await poll('the renewal verified', () =>
      inbound(notifier, '/webhooks/markets').filter((e) => e.method === 'GET' && e.status === 200).length >= 2
        ? true
        : undefined,
    );
  });

  it('the untouched problem: its verifySignature is a TODO, so every delivery is refused (500, marked) and retried', async () => {
    useExercise('09', 'problem');
    const s = await markets();
    const notifier = s.apps.notifier!;
    // Its answerVerification confirms anything, so the subscription itself goes through.
    await poll('the markets feed registered', async () =>
      (await notifierStatus(s.url('notifier'))).feeds.markets === 'registered' ? true : undefined,
    );
    const refused = await poll('three refused deliveries', () => {
      const posts = inbound(notifier, '/webhooks/markets').filter((e) => e.method === 'POST');
      return posts.length >= 3 ? posts : undefined;
    });
    for (const r of refused) {
      expect(r.status).toBe(500);
      expect(r.responseHeaders['x-hooklab-exercise']).toBe('09');
      expect(r.responseBody).toMatch(/^exercise 09: verifySignature threw: TODO: /);
    }
    // The hub keeps the deliveries and tries them again (its retry schedule), so #markets gets nothing.
    await poll('a delivery retried by the hub', async () => {
      const d = (await (await fetch(`${s.url('hub')}/v1/deliveries`)).json()) as {
        data: { attempts: number }[];
      };
      return d.data.some((x) => x.attempts >= 2) ? true : undefined;
    });
  });

  it('a verifySignature that says no: deliveries refused with 403, marked', async () => {
    // The reference's verification and renewal, and a verifier that refuses everything.
    const dir = mkdtempSync(join(tmpdir(), 'exercise-09-'));
    running.push({ close: () => rmSync(dir, { recursive: true, force: true }) });
    const file = join(dir, 'websub-subscriber.ts');
    const solution = modulePath(EXERCISES.find((e) => e.id === '09')!, 'solution');
    writeFileSync(
      file,
      `export { answerVerification, renewAt } from ${JSON.stringify(solution)};\nexport const verifySignature = () => false;\n`,
    );
    process.env.HOOKLAB_EXERCISE = '09';
    process.env.HOOKLAB_EXERCISE_MODULE = file;
    const s = await markets();
    const refused = await poll('two refused deliveries', () => {
      const posts = inbound(s.apps.notifier!, '/webhooks/markets').filter((e) => e.method === 'POST');
      return posts.length >= 2 ? posts : undefined;
    });
    for (const r of refused) {
      expect(r.status).toBe(403);
      expect(r.responseHeaders['x-hooklab-exercise']).toBe('09');
    }
  });

  it("dev mode only: outside it the engine's subscriber answers, whatever HOOKLAB_EXERCISE says", async () => {
    useExercise('09', 'problem');
    const feed = (dev: boolean) => {
      const f = createMarketsFeed({
        tickerUrl: 'http://127.0.0.1:9',
        symbols: ['ACME'],
        leaseSeconds: 60,
        fetch,
        onContent: () => {},
        dev,
      });
      f.start('http://127.0.0.1:9/webhooks/markets');
      running.push({ close: () => f.stop() });
      return f;
    };
    // A verification nobody asked for: the problem's answerVerification confirms it (its bug)…
    const forged =
      'http://127.0.0.1:9/webhooks/markets?subscription=sub_x&hub.mode=subscribe&hub.topic=http%3A%2F%2Fevil.example%2F&hub.challenge=c-1&hub.lease_seconds=60';
    const inDev = await feed(true).handle(new Request(forged));
    expect([inDev.status, await inDev.text()]).toEqual([200, 'c-1']);
    // …the engine's subscriber, outside dev mode, does not.
    expect((await feed(false).handle(new Request(forged))).status).toBe(404);
  });
});

describe('exercise 10 in the notifier: the /order slash command', () => {
  const ORDER = {
    id: 'ord_3xYz9',
    object: 'order',
    status: 'paid',
    amount_total: 12000,
    currency: 'eur',
    customer: { name: 'Ada <admin> & co' },
  };

  /** The shop's `GET /api/orders/:id`, held until `release()` (or failing: 500 at once). */
  async function heldShop(failing = false) {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const asked: string[] = [];
    const server: Server = createServer(async (req, res) => {
      asked.push(req.url ?? '');
      if (failing) return void res.writeHead(500, { 'content-type': 'application/json' }).end('{}');
      await gate;
      const found = req.url === `/api/orders/${ORDER.id}`;
      res.writeHead(found ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(found ? ORDER : { status: 404, title: 'Not found' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    running.push({
      close: () => {
        release();
        return new Promise((r) => server.close(r));
      },
    });
    return { url: `http://127.0.0.1:${port}`, asked, release };
  }

  async function botStack(extra: Record<string, string> = {}, failingShop = false) {
    const shop = await heldShop(failingShop);
    const s = await stack(['slack', 'notifier'], { NOTIFIER_MARKETS: '0', SHOP_URL: shop.url, ...extra });
    await poll('/order registered with Slack', async () =>
      (await notifierStatus(s.url('notifier'))).registrations.slack === 'registered' ? true : undefined,
    );
    const ws = (await (await fetch(`${s.url('slack')}/ui/workspace`)).json()) as {
      channels: { id: string; name: string }[];
      people: { id: string }[];
    };
    const orders = ws.channels.find((c) => c.name === 'orders')!.id;
    const command = async (text: string) =>
      (await (
        await fetch(`${s.url('slack')}/ui/commands`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ channel: orders, user: ws.people[0]!.id, text }),
        })
      ).json()) as { ok: boolean; error?: string };
    return { ...s, shop, orders, command };
  }

  it('the solution acks while the shop is still thinking, then answers in the channel; both marked 10', async () => {
    useExercise('10', 'solution');
    const s = await botStack();
    // Slack has its answer (the ack) although the shop has not answered yet.
    expect(await s.command(`/order ${ORDER.id}`)).toEqual({ ok: true });
    await poll('the question at the shop', () => (s.shop.asked.length ? true : undefined));
    expect(s.shop.asked).toEqual([`/api/orders/${ORDER.id}`]);
    const ack = inbound(s.apps.notifier!, '/slack/commands')[0]!;
    expect(ack.status).toBe(200);
    expect(ack.responseHeaders['x-hooklab-exercise']).toBe('10');
    expect(JSON.parse(ack.responseBody ?? '{}')).toMatchObject({ response_type: 'ephemeral' });
    s.shop.release();
    const answer = await poll('the answer in #orders', async () =>
      (await slackMessages(s.url('slack'), s.orders)).find((m) => m.text?.includes(ORDER.id)),
    );
    expect(answer.text).toContain('paid: 120.00 EUR for Ada &lt;admin&gt; &amp; co');
    const posted = s.apps
      .slack!.recorder.list()
      .find((e) => e.direction === 'in' && new URL(e.url).pathname.startsWith('/commands/'));
    expect(posted?.requestHeaders['x-hooklab-exercise']).toBe('10');
  });

  it('the untouched problem waits for the shop before its ack: Slack gives up with operation_timeout', async () => {
    useExercise('10', 'problem');
    // Slack's window made short (1 s): the shop stays silent for longer than that.
    const s = await botStack({ SLACK_ACK_TIMEOUT_MS: '1000' });
    expect(await s.command(`/order ${ORDER.id}`)).toEqual({
      ok: false,
      error: '/order failed with the error "operation_timeout"',
    });
    expect(s.shop.asked).toEqual([`/api/orders/${ORDER.id}`]);
  });

  it("a handler that throws: the asker gets an ephemeral 'exercise 10:' answer, not a failed command", async () => {
    useExercise('10', 'problem');
    // The problem's handler awaits the shop: a failing shop makes it reject.
    const s = await botStack({}, true);
    expect(await s.command(`/order ${ORDER.id}`)).toEqual({ ok: true });
    const ack = inbound(s.apps.notifier!, '/slack/commands')[0]!;
    expect(ack.status).toBe(200);
    expect(ack.responseHeaders['x-hooklab-exercise']).toBe('10');
    expect(JSON.parse(ack.responseBody ?? '{}')).toEqual({
      response_type: 'ephemeral',
      text: expect.stringMatching(
        /^exercise 10: handleOrderQuestion threw: shop GET \/api\/orders\/ord_3xYz9: 500/,
      ),
    });
  });
});
