import type { BetterSQLite3Database } from '@hooklab/db';
import type { LogisticsConfig } from '../config.ts';
import { hashApiKey } from '../http/auth.ts';
import * as schema from './schema.ts';

/** Upserts the dev merchants and their keys from config (docs/contracts.md), so env changes apply on restart. */
export function seedMerchants(
  db: BetterSQLite3Database<typeof schema>,
  config: LogisticsConfig,
  now: number,
): void {
  const merchants = [
    {
      id: config.LOGISTICS_DEV_MERCHANT_ID,
      name: 'Atelier (dev shop)',
      inboundSecret: config.LOGISTICS_DEV_INBOUND_SECRET,
      callbackSecret: config.LOGISTICS_DEV_CALLBACK_SECRET,
      callbackUrl: config.devCallbackUrl,
      keys: [
        { token: config.LOGISTICS_DEV_API_KEY, scope: 'write' as const },
        { token: config.LOGISTICS_DEV_READONLY_KEY, scope: 'read' as const },
      ],
    },
    {
      id: config.LOGISTICS_OTHER_MERCHANT_ID,
      name: 'Other merchant (tenancy tests)',
      inboundSecret: config.LOGISTICS_OTHER_INBOUND_SECRET,
      callbackSecret: config.LOGISTICS_OTHER_CALLBACK_SECRET,
      callbackUrl: null,
      keys: [{ token: config.LOGISTICS_OTHER_API_KEY, scope: 'write' as const }],
    },
  ];
  db.transaction((tx) => {
    for (const { keys, ...m } of merchants) {
      tx.insert(schema.merchants)
        .values({ ...m, createdAt: now })
        .onConflictDoUpdate({
          target: schema.merchants.id,
          set: {
            inboundSecret: m.inboundSecret,
            callbackSecret: m.callbackSecret,
            callbackUrl: m.callbackUrl,
          },
        })
        .run();
      for (const k of keys) {
        const tokenHash = hashApiKey(k.token);
        tx.insert(schema.apiKeys)
          .values({
            id: `key_${tokenHash.slice(0, 16)}`,
            merchantId: m.id,
            tokenHash,
            scope: k.scope,
            prefix: k.token.slice(0, 8),
            createdAt: now,
          })
          .onConflictDoUpdate({ target: schema.apiKeys.tokenHash, set: { merchantId: m.id, scope: k.scope } })
          .run();
      }
    }
  });
}
