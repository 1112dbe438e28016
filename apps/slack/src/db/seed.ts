import type { SlackConfig } from '../config.ts';
import { sha256, stableId } from '../domain/ids.ts';
import type { SlackDb } from './index.ts';
import * as schema from './schema.ts';

/** The seeded workspace's fixed ids, derived from the config so they are the same on every start. */
export function seededIds(config: SlackConfig) {
  const team = config.SLACK_TEAM_ID;
  const humans = config.SLACK_USERS.map((entry) => {
    const [name, ...real] = entry.split(':');
    const n = name!.trim().toLowerCase();
    return { id: stableId('U', `${team}:user:${n}`), name: n, realName: real.join(':').trim() || n };
  });
  return {
    appId: stableId('A', `${team}:app:${config.SLACK_BOT_NAME}`),
    botId: stableId('B', `${team}:bot:${config.SLACK_BOT_NAME}`),
    botUserId: stableId('U', `${team}:botuser:${config.SLACK_BOT_NAME}`),
    humans,
    channels: config.SLACK_CHANNELS.map((c) => {
      const name = c.replace(/^#/, '').toLowerCase();
      return { id: stableId('C', `${team}:channel:${name}`), name };
    }),
  };
}

/** Upserts the workspace from config: humans, the app and its bot, tokens, channels and their members. */
export function seedWorkspace(db: SlackDb, config: SlackConfig, now: number): void {
  const ids = seededIds(config);
  const creator = ids.humans[0]?.id ?? ids.botUserId;
  db.transaction((tx) => {
    for (const h of ids.humans) {
      tx.insert(schema.users)
        .values({ id: h.id, name: h.name, realName: h.realName, isBot: false, createdAt: now })
        .onConflictDoUpdate({ target: schema.users.id, set: { name: h.name, realName: h.realName } })
        .run();
    }
    tx.insert(schema.users)
      .values({
        id: ids.botUserId,
        name: config.SLACK_BOT_NAME,
        realName: config.SLACK_APP_NAME,
        isBot: true,
        botId: ids.botId,
        appId: ids.appId,
        createdAt: now,
      })
      .onConflictDoUpdate({
        target: schema.users.id,
        set: { name: config.SLACK_BOT_NAME, realName: config.SLACK_APP_NAME },
      })
      .run();
    tx.insert(schema.apps)
      .values({
        id: ids.appId,
        name: config.SLACK_APP_NAME,
        botUserId: ids.botUserId,
        botId: ids.botId,
        signingSecret: config.SLACK_SIGNING_SECRET,
        verificationToken: stableId('', `${config.SLACK_TEAM_ID}:verification`, 24).toLowerCase(),
        eventTypes: ['message.channels', 'app_mention', 'reaction_added'],
        createdAt: now,
      })
      .onConflictDoUpdate({
        target: schema.apps.id,
        set: { name: config.SLACK_APP_NAME, signingSecret: config.SLACK_SIGNING_SECRET },
      })
      .run();
    const seededTokens = [
      {
        token: config.SLACK_BOT_TOKEN,
        kind: 'bot' as const,
        userId: ids.botUserId,
        appId: ids.appId,
        scopes: config.SLACK_BOT_SCOPES,
      },
      {
        token: config.SLACK_USER_TOKEN,
        kind: 'user' as const,
        userId: creator,
        appId: ids.appId,
        scopes: config.SLACK_USER_SCOPES,
      },
    ];
    for (const t of seededTokens) {
      const tokenHash = sha256(t.token);
      tx.insert(schema.tokens)
        .values({
          tokenHash,
          prefix: t.token.slice(0, 5),
          kind: t.kind,
          userId: t.userId,
          appId: t.appId,
          scopes: t.scopes,
          createdAt: now,
        })
        .onConflictDoUpdate({ target: schema.tokens.tokenHash, set: { userId: t.userId, scopes: t.scopes } })
        .run();
    }
    for (const c of ids.channels) {
      tx.insert(schema.channels)
        .values({ id: c.id, name: c.name, isPrivate: false, creator, createdAt: now })
        .onConflictDoNothing()
        .run();
      for (const userId of [...ids.humans.map((h) => h.id), ids.botUserId]) {
        tx.insert(schema.members).values({ channelId: c.id, userId }).onConflictDoNothing().run();
      }
    }
  });
}
