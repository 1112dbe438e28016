// PostgreSQL suites run when DATABASE_URL is set, skip (saying why) when it is not, and fail instead
// of skipping when HOOKLAB_REQUIRE_SERVICES=1 (CI), so a missing server cannot pass silently.
import { describe, it } from 'vitest';

export function postgresSuite(name: string, body: (url: string) => void): void {
  const url = process.env.DATABASE_URL;
  if (url) {
    describe(name, () => body(url));
  } else if (process.env.HOOKLAB_REQUIRE_SERVICES === '1') {
    describe(name, () => {
      it('needs PostgreSQL', () => {
        throw new Error(
          'HOOKLAB_REQUIRE_SERVICES=1 but DATABASE_URL is not set (see scripts/start-postgres.sh)',
        );
      });
    });
  } else {
    console.warn(`${name} — skipped: DATABASE_URL not set`);
    describe.skip(`${name} (skipped: DATABASE_URL not set)`, () => body(''));
  }
}
