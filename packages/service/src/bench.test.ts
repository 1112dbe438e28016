import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { percentile, startAppProcess } from './bench.ts';

const dir = mkdtempSync(join(tmpdir(), 'hooklab-bench-kit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, body);
  return file;
}

describe('bench kit', () => {
  it('takes the p-th percentile of sorted samples, capped at the last one', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 50)).toBe(51);
    expect(percentile(xs, 99)).toBe(100);
    expect(percentile(xs, 100)).toBe(100);
    expect(percentile([7], 90)).toBe(7);
  });

  it('starts a server in its own process with the env given, resolves with the URL it prints, stops it', async () => {
    const entry = script(
      'server.mjs',
      "console.log('listening on http://127.0.0.1:' + process.env.PORT + '/x');\nprocess.on('SIGTERM', () => process.exit(0));\nsetInterval(() => {}, 1000);\n",
    );
    const app = await startAppProcess(entry, { PORT: '4321' });
    expect(app.url).toBe('http://127.0.0.1:4321/x');
    await app.close();
  });

  it('rejects, naming the entry, when the process exits before it listens', async () => {
    const entry = script('broken.mjs', 'process.exit(3);\n');
    await expect(startAppProcess(entry, {})).rejects.toThrow(/broken\.mjs exited with 3/);
  });
});
