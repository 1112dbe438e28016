import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cwd = fileURLToPath(new URL('..', import.meta.url));
const ENV_KEY = 'sk_test_fromTheEnvironment0123456789';

/** Runs `src/server.ts` as `pnpm start` does; once it listens, stops it and resolves with all it printed. */
function startupOutput(env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd,
    env: {
      PATH: process.env.PATH,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: ':memory:',
      LOG_LEVEL: 'silent',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    let listening = false;
    child.stdout.on('data', (d) => {
      out += d;
      if (!listening && out.includes('listening on')) {
        listening = true;
        child.kill('SIGTERM'); // graceful stop: everything printed so far is flushed before exit
      }
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('exit', (code) =>
      listening ? resolve(out) : reject(new Error(`server exited (${code}) before listening: ${err}`)),
    );
  });
}

describe('payments server start-up output', () => {
  it('in dev mode prints the built-in dev keys but never a key that came from the environment', async () => {
    const out = await startupOutput({ HOOKLAB_DEV: '1', PAYMENTS_SECRET_KEY: ENV_KEY });
    expect(out).not.toContain(ENV_KEY);
    expect(out).toContain('rk_test_hooklab');
    expect(out).toContain('keys from the environment (not printed): PAYMENTS_SECRET_KEY');
  });

  it('outside dev mode prints no key at all', async () => {
    const out = await startupOutput({});
    expect(out).toMatch(/payments listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(out).not.toMatch(/sk_test_|rk_test_|pk_test_|dev keys/);
  });
});
