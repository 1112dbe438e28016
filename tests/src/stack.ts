import { type RunningApp, type ServiceName, type StartApp, serviceUrls, urlVarOf } from '@hooklab/service';
import { freePort } from '@hooklab/service/ports';

type Loader = () => Promise<{ start: StartApp }>;

// Providers first, so that clients registering webhooks at start-up find them listening.
const LOADERS: [ServiceName, Loader][] = [
  ['slack', () => import('@hooklab/slack')],
  ['mailbox', () => import('@hooklab/mailbox')],
  ['payments', () => import('@hooklab/payments')],
  ['logistics', () => import('@hooklab/logistics')],
  ['hub', () => import('@hooklab/hub')],
  ['ticker', () => import('@hooklab/ticker')],
  ['social', () => import('@hooklab/social')],
  ['shop', () => import('@hooklab/shop')],
  // A client of every provider above: it registers its endpoints with them at start-up.
  ['notifier', () => import('@hooklab/notifier')],
  // Last: it follows every app above (and shows the ones it cannot reach as down).
  ['console', () => import('@hooklab/console')],
];

/** Every app this launcher can start, in start order. */
export const STACK_APPS: readonly ServiceName[] = LOADERS.map(([name]) => name);

/** A free TCP port on 127.0.0.1 (outside the kernel's ephemeral range: see @hooklab/service/ports). */
export { freePort };

export interface Stack {
  urls: ReturnType<typeof serviceUrls>;
  apps: Partial<Record<ServiceName, RunningApp>>;
  env: Record<string, string>;
  /** Stops one app (to simulate an outage) and returns a function that starts it again on the same port. */
  stopApp(name: ServiceName): Promise<() => Promise<RunningApp>>;
  stop(): Promise<void>;
}

/**
 * Starts the named apps in this process on free loopback ports with in-memory databases,
 * each told the others' URLs, exactly as `pnpm dev` would wire them over the network.
 */
export async function startStack(
  names: ServiceName[],
  opts: { env?: Record<string, string> } = {},
): Promise<Stack> {
  const ports = new Map<ServiceName, number>();
  for (const name of names) ports.set(name, await freePort());
  const env: Record<string, string> = {
    LOG_LEVEL: 'silent',
    HOOKLAB_DEV: '1',
    DATA_DIR: ':memory:',
    WEBHOOK_RETRY_SCHEDULE: 'local',
    HOST: '127.0.0.1',
  };
  for (const [name, port] of ports) env[urlVarOf(name)] = `http://127.0.0.1:${port}`;
  if (ports.has('mailbox')) {
    // The mailbox also listens for SMTP; every sender finds it through SMTP_URL.
    const smtpPort = await freePort();
    env.SMTP_PORT = String(smtpPort);
    env.SMTP_URL = `smtp://127.0.0.1:${smtpPort}`;
  }
  Object.assign(env, opts.env);
  const urls = serviceUrls(env);
  const apps: Partial<Record<ServiceName, RunningApp>> = {};
  const starters = new Map<ServiceName, StartApp>();
  const startOne = async (name: ServiceName) => {
    const start = starters.get(name)!;
    const app = await start({ ...env, PORT: String(ports.get(name)) });
    apps[name] = app;
    return app;
  };
  try {
    for (const [name, load] of LOADERS) {
      if (!ports.has(name)) continue;
      starters.set(name, (await load()).start);
      await startOne(name);
    }
    const unknown = names.filter((n) => !starters.has(n));
    if (unknown.length) throw new Error(`No in-process launcher for: ${unknown.join(', ')}`);
  } catch (err) {
    await Promise.allSettled(Object.values(apps).map((a) => a.close()));
    throw err;
  }
  return {
    urls,
    apps,
    env,
    async stopApp(name) {
      const app = apps[name];
      if (!app) throw new Error(`${name} is not running`);
      await app.close();
      delete apps[name];
      return () => startOne(name);
    },
    async stop() {
      // Clients first, then providers: the reverse of start order.
      const order = [...LOADERS].reverse().map(([n]) => n);
      for (const name of order) await apps[name]?.close();
    },
  };
}
