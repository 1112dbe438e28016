import type { SsrfOptions } from './check-url.ts';

const FALSE = new Set(['0', 'false', 'no', 'off']);

/**
 * Builds SSRF options from an env record (pass your validated config, not process.env directly):
 * `WEBHOOK_ALLOW_LOOPBACK` (default true; 0/false/no/off turn it off) and
 * `WEBHOOK_ALLOW_HOSTS` (comma-separated hosts, IPs or CIDRs).
 */
export function ssrfOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): SsrfOptions {
  const loopback = env['WEBHOOK_ALLOW_LOOPBACK']?.trim().toLowerCase();
  const hosts = (env['WEBHOOK_ALLOW_HOSTS'] ?? '')
    .split(',')
    .map((host) => host.trim())
    .filter((host) => host.length > 0);
  return { allowLoopback: loopback ? !FALSE.has(loopback) : true, allowList: hosts };
}
