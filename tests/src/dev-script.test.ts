// `pnpm dev` (scripts/dev.mjs) as a person meets it: every app up in watch mode, one table saying where to
// go (the console first), and Ctrl-C ending everything with exit code 0.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { DEFAULT_PORTS, portVarOf, SERVICE_ENTRIES, SERVICE_NAMES, type ServiceName } from '@hooklab/service';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from './stack.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** What dev.mjs should start: every app folder with a `dev` script. */
const devApps = readdirSync(join(root, 'apps')).filter((name) => {
  const file = join(root, 'apps', name, 'package.json');
  return existsSync(file) && Boolean(JSON.parse(readFileSync(file, 'utf8')).scripts?.dev);
}) as ServiceName[];

let child: ChildProcess | undefined;
afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
});

describe('pnpm dev (scripts/dev.mjs)', () => {
  it('prints one table once every app answers, then stops them all on SIGINT with exit code 0', async () => {
    const ports: Record<string, string> = {};
    for (const name of SERVICE_NAMES) ports[portVarOf(name)] = String(await freePort());
    child = spawn(process.execPath, ['scripts/dev.mjs'], {
      cwd: root,
      env: { ...process.env, ...ports, DATA_DIR: ':memory:', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
    });
    child.stderr!.on('data', (d) => {
      out += d;
    });
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (out.includes('Ctrl-C stops everything.')) resolve();
      };
      child!.stdout!.on('data', check);
      exited.then(() => reject(new Error(`dev.mjs exited before its table:\n${out}`)));
    });

    expect(out).toContain('Hooklab is up.');
    const url = (name: ServiceName) => `http://localhost:${ports[portVarOf(name)]}`;
    const open = (name: ServiceName) => {
      const path = SERVICE_ENTRIES[name]?.path ?? '/';
      return `${url(name)}${path === '/' ? '' : path}`;
    };
    for (const name of devApps) {
      expect(out, name).toMatch(new RegExp(`\\n  ${name} +${open(name)} +up\\b`));
      // The apps really listen where the table says.
      expect((await fetch(`${url(name)}/healthz`)).status, name).toBe(200);
    }
    // One table, columns app / URL / status, the console first (the page to open), the others by port.
    const table = out.slice(out.indexOf('Hooklab is up.'));
    expect(table).toMatch(/\n {2}app +URL +status\n/);
    const rows = [...table.matchAll(/^ {2}([a-z]+) +http:\/\/localhost:\d+\S* +up\b/gm)].map((m) => m[1]);
    const byPort = devApps.filter((n) => n !== 'console').sort((a, b) => DEFAULT_PORTS[a] - DEFAULT_PORTS[b]);
    expect(rows).toEqual(devApps.includes('console') ? ['console', ...byPort] : byPort);
    if (devApps.includes('console')) {
      expect(devApps).toContain('shop');
      expect(table).toContain(`Open the console first: ${url('console')} shows every message, live.`);
      expect(table).toContain(`Then buy a dress at ${url('shop')}`);
      expect(table.indexOf('Open the console first')).toBeLessThan(table.indexOf('Then buy a dress'));
    } else if (devApps.includes('shop')) expect(out).toContain(`Start at ${url('shop')}: buy a dress.`);
    // Raw JSON log lines and bound loopback addresses stay out of a person's way.
    expect(out).not.toMatch(/^\S+ +│ \{"level"/m);
    expect(out).not.toContain('http://127.0.0.1:');

    if (devApps.includes('shop') && devApps.includes('payments')) {
      // One host name end to end: the bag cookie set on localhost must come back to localhost after paying.
      const shop = url('shop');
      const payments = url('payments');
      const products = (await (await fetch(`${shop}/api/products`)).json()) as {
        data: { id: string; sku?: string }[];
      };
      const dress = products.data.find((p) => p.sku === 'DR-001')!;
      const added = await fetch(`${shop}/cart/items`, {
        method: 'POST',
        body: new URLSearchParams({ product_id: dress.id, quantity: '1' }),
        redirect: 'manual',
      });
      const cookie = added.headers.get('set-cookie')!.split(';')[0]!;
      const checkout = await fetch(`${shop}/checkout`, {
        method: 'POST',
        headers: { cookie },
        body: new URLSearchParams({
          name: 'Ada Lovelace',
          email: 'ada@example.test',
          line1: '1 Rue de Rivoli',
          city: 'Paris',
          postal_code: '75001',
          country: 'FR',
        }),
        redirect: 'manual',
      });
      expect(checkout.status).toBe(303);
      const hosted = new URL(checkout.headers.get('location')!);
      expect(hosted.origin).toBe(payments);
      const auth = { authorization: 'Bearer sk_test_hooklab' };
      const session = (await (
        await fetch(`${payments}/v1/checkout/sessions/${hosted.pathname.split('/').at(-1)}`, {
          headers: auth,
        })
      ).json()) as { success_url: string };
      expect(new URL(session.success_url).origin).toBe(shop);
      // The shop registers its endpoint in the background; wait for it to say so.
      for (;;) {
        const status = (await (await fetch(`${shop}/api/status`)).json()) as {
          stripe_webhook: { ready: boolean };
        };
        if (status.stripe_webhook.ready) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const endpoints = (await (
        await fetch(`${payments}/v1/webhook_endpoints`, { headers: auth })
      ).json()) as {
        data: { url: string }[];
      };
      // The shop's endpoint (and the notifier's, when it runs): each on the one host name, localhost.
      const origins = endpoints.data.map((e) => new URL(e.url).origin);
      expect(origins).toContain(shop);
      for (const origin of origins) expect(new URL(origin).hostname).toBe('localhost');
    }

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    // Apps may still log while the others stop (the notifier retrying a registration): only their own
    // prefixed lines may stand between "stopping …" and "stopped.".
    expect(out).toMatch(/stopping .+…\n(?:[a-z]+ +│ .*\n)*stopped\.\n$/);
    expect(out).not.toContain('ELIFECYCLE');
    for (const name of devApps) {
      await expect(fetch(`${url(name)}/healthz`), `${name} still answering`).rejects.toThrow();
    }
  });

  it('apps that cannot start are shown in red, each for its reason, and the columns still line up', async () => {
    // Something else holds the logistics port: it accepts connections and hangs up at once.
    const holder = createNetServer((socket) => socket.destroy());
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    const busy = (holder.address() as AddressInfo).port;
    const ports: Record<string, string> = {};
    for (const name of SERVICE_NAMES) ports[portVarOf(name)] = String(await freePort());
    ports[portVarOf('logistics')] = String(busy);
    const run = spawn(process.execPath, ['scripts/dev.mjs', 'logistics', 'console'], {
      cwd: root,
      // And the console is given a setting it refuses (below its minimum): it crashes at start.
      env: {
        ...process.env,
        ...ports,
        DATA_DIR: ':memory:',
        CONSOLE_RETRY_MS: '1',
        NO_COLOR: '',
        FORCE_COLOR: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = run;
    let out = '';
    const exited = new Promise<number | null>((resolve) => run.once('exit', (code) => resolve(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        run.stdout.on('data', (d) => {
          out += d;
          if (out.includes('Ctrl-C stops everything.')) resolve();
        });
        run.stderr.on('data', (d) => {
          out += d;
        });
        exited.then(() => reject(new Error(`dev.mjs exited before its table:\n${out}`)));
      });
      const table = out.slice(out.indexOf('Hooklab: 0 of 2 apps up.'));
      const failing = `port ${busy} is in use`;
      const crashed = 'crashed at start (see its lines above)';
      expect(table).toContain(`\u001b[31m${failing}`);
      expect(table).toContain(`\u001b[31m${crashed}`);
      const plain = stripVTControlCharacters(table);
      const rows = plain.split('\n').filter((l) => /^ {2}(console|logistics) /.test(l));
      expect(rows.map((r) => r.trim().split(/ +/)[0])).toEqual(['console', 'logistics']);
      // The fourth column (what the app is for) starts at the same place on both rows.
      const what = rows.map((r) => r.search(/every message|its API/));
      expect(what[0]).toBeGreaterThan(0);
      expect(what[1]).toBe(what[0]);
      expect(rows[0]).toMatch(
        /^ {2}console +http:\/\/localhost:\d+ +crashed at start \(see its lines above\) +every/,
      );
      expect(rows[1]).toMatch(new RegExp(`^ {2}logistics +http://localhost:${busy} +${failing} +its API`));
    } finally {
      run.kill('SIGINT');
      await exited;
      await new Promise((r) => holder.close(r));
    }
  });
});
