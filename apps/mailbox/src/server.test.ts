import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const appDir = fileURLToPath(new URL('..', import.meta.url));
let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill('SIGTERM');
  child = undefined;
});

describe('server.ts, as `pnpm dev` runs it (tsx, not vitest)', () => {
  it('prints both addresses in its banner and serves the inbox and /docs', async () => {
    child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: appDir,
      env: {
        ...process.env,
        PORT: '0',
        SMTP_PORT: '0',
        DATA_DIR: ':memory:',
        HOOKLAB_DEV: '1',
        LOG_LEVEL: 'silent',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const banner = await new Promise<string>((resolve, reject) => {
      let out = '';
      child!.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(out);
      });
      child!.once('exit', (code) => reject(new Error(`server.ts exited with ${code}: ${out}`)));
    });
    const m =
      /^mailbox listening on (http:\/\/127\.0\.0\.1:\d+) .*SMTP on smtp:\/\/127\.0\.0\.1:(\d+)$/m.exec(
        banner,
      );
    expect(m, banner).not.toBeNull();
    const [, url, smtpPort] = m!;
    const info = (await (await fetch(`${url}/api/v1/info`)).json()) as { smtp: { port: number } };
    expect(info.smtp.port).toBe(Number(smtpPort));
    expect((await fetch(`${url}/`)).status).toBe(200);
    // The kit's docs page is JSX in another package: it must render under tsx as well.
    expect((await fetch(`${url}/docs`)).status).toBe(200);
  }, 60_000);
});
