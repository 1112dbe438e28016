// `pnpm workshop` and `pnpm dev --exercise` as an attendee meets them: exit codes and the first lesson.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = (script: string, ...args: string[]) => {
  const r = spawnSync(process.execPath, [`scripts/${script}`, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  return { code: r.status, out: r.stdout + r.stderr };
};

describe('pnpm workshop', () => {
  it('test NN against problem/: exit 1, the first lesson in full', () => {
    const r = run('workshop.mjs', 'test', '3');
    expect(r.code).toBe(1);
    expect(r.out).toContain('✕ accepts a body signed by Stripe');
    expect(r.out).toContain('did you sign `timestamp.body` with the raw bytes?');
  });

  it('test NN --solution: exit 0, every check passing, and where to see it live', () => {
    const r = run('workshop.mjs', 'test', '03', '--solution');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/(\d+) of \1 checks pass\./);
    expect(r.out).toContain('pnpm dev --exercise 03');
  });

  it('solve NN: the diff from problem/ to solution/', () => {
    const r = run('workshop.mjs', 'solve', '07');
    expect(r.code).toBe(0);
    expect(r.out).toContain('+++ b/workshop/07-retry-policy/solution/retry-policy.ts');
  });

  it('usage errors exit 2', () => {
    expect(run('workshop.mjs', 'test', '42').code).toBe(2);
    expect(run('workshop.mjs', 'frobnicate').code).toBe(2);
    const dev = run('dev.mjs', '--exercise', '42');
    expect(dev.code).toBe(2);
    expect(dev.out).toContain('no exercise 42');
  });
});
