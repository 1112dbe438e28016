// Bench plumbing every app's bench.ts shares (`@hooklab/service/bench`): never imported by app code.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface AppProcess {
  /** The URL its server.ts banner printed ("listening on http://…"). */
  url: string;
  /** SIGTERM, resolved once the process has exited (its graceful shutdown ran). */
  close(): Promise<void>;
}

/**
 * Runs an app's server.ts in its own process (as in production, so the bench's client does not share its
 * event loop), with `process.env` and `env` over it; resolves once it listens, rejects if it exits first.
 */
export async function startAppProcess(entry: string | URL, env: Record<string, string>): Promise<AppProcess> {
  const file = entry instanceof URL ? fileURLToPath(entry) : entry;
  const child = spawn(process.execPath, ['--import', 'tsx', file], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((ok, fail) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) ok(m[1]!);
    });
    child.once('exit', (code) => fail(new Error(`${file} exited with ${code}`)));
  });
  return {
    url,
    close: () =>
      new Promise<void>((ok) => {
        if (child.exitCode !== null) return ok();
        child.once('exit', () => ok());
        child.kill('SIGTERM');
      }),
  };
}

/** The p-th percentile (0–100) of ascending `sorted` samples: the sample at index ⌊p% × n⌋, capped at the last. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
