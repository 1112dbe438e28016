// Suites that need redis-server run when it is installed, skip (saying why) when it is not, and fail
// instead of skipping under HOOKLAB_REQUIRE_SERVICES=1, as the PostgreSQL suites do.
import { spawnSync } from 'node:child_process';
import { describe, it } from 'vitest';

export const redisServerInstalled = (): boolean =>
  spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).error === undefined;

export function redisSuite(name: string, body: () => void): void {
  if (redisServerInstalled()) {
    describe(name, body);
  } else if (process.env.HOOKLAB_REQUIRE_SERVICES === '1') {
    describe(name, () => {
      it('needs redis-server', () => {
        throw new Error(
          'HOOKLAB_REQUIRE_SERVICES=1 but redis-server is not installed (apt-get install redis-server)',
        );
      });
    });
  } else {
    console.warn(`${name} — skipped: redis-server not found`);
    describe.skip(`${name} (skipped: redis-server not found)`, body);
  }
}
