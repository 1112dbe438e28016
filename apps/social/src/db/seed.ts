import type { SqliteClient } from '@hooklab/db';
import type { SocialConfig } from '../config.ts';
import { hashToken } from '../http/auth.ts';

/** The seeded people; each one's dev token is `${SOCIAL_DEV_USER_TOKEN_PREFIX}${username}`. */
export const SEED_USERS = [
  { id: '1000000000000000001', username: 'atelier', name: 'Atelier' },
  { id: '1000000000000000002', username: 'ada', name: 'Ada Lovelace' },
  { id: '1000000000000000003', username: 'grace', name: 'Grace Hopper' },
] as const;

export const DEV_APP_ID = '28000001';
export const OTHER_APP_ID = '28000002';

/** Upserts the dev users and apps from config, so env changes apply on restart. */
export function seed(sqlite: SqliteClient, config: SocialConfig, now: number): void {
  const user = sqlite.prepare(
    `INSERT INTO users (id, username, name, token_hash, created_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(id) DO UPDATE SET token_hash = excluded.token_hash, name = excluded.name`,
  );
  const app = sqlite.prepare(
    `INSERT INTO client_apps (id, name, bearer_hash, consumer_secret, created_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(id) DO UPDATE SET bearer_hash = excluded.bearer_hash, consumer_secret = excluded.consumer_secret`,
  );
  sqlite.transaction(() => {
    for (const u of SEED_USERS)
      user.run(
        u.id,
        u.username,
        u.name,
        hashToken(`${config.SOCIAL_DEV_USER_TOKEN_PREFIX}${u.username}`),
        now,
      );
    app.run(
      DEV_APP_ID,
      'Hooklab notifier',
      hashToken(config.SOCIAL_DEV_BEARER_TOKEN),
      config.SOCIAL_DEV_CONSUMER_SECRET,
      now,
    );
    app.run(
      OTHER_APP_ID,
      'Other app (tenancy tests)',
      hashToken(config.SOCIAL_OTHER_BEARER_TOKEN),
      config.SOCIAL_OTHER_CONSUMER_SECRET,
      now,
    );
  })();
}
