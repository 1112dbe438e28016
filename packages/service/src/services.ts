/** Every Hooklab app and its default port (ARCHITECTURE.md). */
export const DEFAULT_PORTS = {
  console: 3000,
  shop: 3001,
  payments: 3002,
  logistics: 3003,
  slack: 3004,
  notifier: 3005,
  social: 3006,
  hub: 3007,
  ticker: 3008,
  mailbox: 3009,
} as const;

export type ServiceName = keyof typeof DEFAULT_PORTS;
export const SERVICE_NAMES = Object.keys(DEFAULT_PORTS) as ServiceName[];

export type ServiceUrls = Record<ServiceName, string>;

/** The env variable that overrides a service's base URL, e.g. `PAYMENTS_URL`. */
export function urlVarOf(name: ServiceName): string {
  return `${name.toUpperCase()}_URL`;
}

/** The env variable that overrides a service's port, e.g. `PAYMENTS_PORT`. */
export function portVarOf(name: ServiceName): string {
  return `${name.toUpperCase()}_PORT`;
}

/**
 * Base URLs of every service, without a trailing slash: `<NAME>_URL` if set, else
 * `http://localhost:<NAME>_PORT or default>`. Pass the env in; nothing here reads process.env.
 */
export function serviceUrls(env: Record<string, string | undefined>): ServiceUrls {
  const out = {} as ServiceUrls;
  for (const name of SERVICE_NAMES) {
    const url = env[urlVarOf(name)];
    if (url) {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw new TypeError(`${urlVarOf(name)} is not a valid URL: ${url}`);
      }
      out[name] = parsed.toString().replace(/\/+$/, '');
    } else {
      const port = env[portVarOf(name)] ?? String(DEFAULT_PORTS[name]);
      out[name] = `http://localhost:${port}`;
    }
  }
  return out;
}

/** The port an app listens on: `PORT`, else `<NAME>_PORT`, else its default. */
export function portOf(name: ServiceName, env: Record<string, string | undefined>): number {
  const raw = env.PORT ?? env[portVarOf(name)];
  if (raw === undefined || raw === '') return DEFAULT_PORTS[name];
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new TypeError(`PORT must be 0–65535, got ${raw}`);
  return port;
}

/** Where a person starts on an app, and what they find there: the `pnpm dev` table and the README say it. */
export interface ServiceEntry {
  /** Path to open first in a browser. */
  path: string;
  /** What it is for, in a few words. */
  what: string;
}

export const SERVICE_ENTRIES: Partial<Record<ServiceName, ServiceEntry>> = {
  console: { path: '/', what: 'every message between the apps, live; run a scenario' },
  shop: { path: '/', what: 'buy a dress: card 4242 4242 4242 4242, any future date, any CVC' },
  payments: { path: '/dashboard', what: 'payments, events and every webhook attempt' },
  logistics: { path: '/', what: 'its API; shipments start when an order is paid' },
  slack: { path: '/', what: 'a Slack workspace: channels, live messages, threads, buttons, slash commands' },
  notifier: { path: '/api/status', what: 'the Slack bot: every event to its channel; ask it "order ord_…?"' },
  social: { path: '/', what: 'an X-like feed: post #dresses as a user; matching posts go to webhooks' },
  hub: { path: '/', what: 'the WebSub hub: topics, subscriptions with their leases, deliveries' },
  ticker: { path: '/', what: 'stock prices on a random walk; each change pings the WebSub hub' },
  mailbox: { path: '/', what: 'every e-mail the apps sent (SMTP 2525): inbox, HTML, text, headers, raw' },
};
