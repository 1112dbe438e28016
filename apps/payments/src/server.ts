import { loadPaymentsConfig, type PaymentsConfig } from './config.ts';
import { start } from './main.ts';

const KEY_VARS = [
  'PAYMENTS_SECRET_KEY',
  'PAYMENTS_RESTRICTED_KEY',
  'PAYMENTS_PUBLISHABLE_KEY',
  'PAYMENTS_OTHER_SECRET_KEY',
] as const;

/**
 * What server.ts prints once listening. In dev mode only: the dashboard and the built-in dev keys, so a
 * newcomer can paste them; a key set through the environment is a real secret and is never printed.
 */
function startupBanner(config: PaymentsConfig, url: string): string {
  const lines = [`payments listening on ${url}`];
  if (!config.HOOKLAB_DEV) return lines.join('\n');
  if (config.PAYMENTS_DASHBOARD) lines.push(`dashboard ${url}/dashboard`);
  const builtIn = loadPaymentsConfig({});
  const shown = KEY_VARS.filter((v) => config[v] === builtIn[v]).map((v) => config[v]);
  const fromEnv = KEY_VARS.filter((v) => config[v] !== builtIn[v]);
  if (shown.length) lines.push(`dev keys: ${shown.join('  ')}`);
  if (fromEnv.length) lines.push(`keys from the environment (not printed): ${fromEnv.join(', ')}`);
  return lines.join('\n');
}

const app = await start(process.env, { handleSignals: true });
console.log(startupBanner(loadPaymentsConfig(process.env), app.url));
