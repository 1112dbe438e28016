// Fixtures for social's tests: a migrated in-memory database, a dev-mode context, a CRC-answering receiver.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ExchangeRecorder } from '@hooklab/service';
import { createXCrcResponse, verifyX } from '@hooklab/webhooks';
import { socialConfigSchema } from './config.ts';
import { createSocialContext, type SocialContext } from './context.ts';
import { openSocialDatabase } from './db/index.ts';

export const DEV_TOKEN = 'social-test-dev-token-0123456789';
export const BEARER = 'AAAAAAAAAAAAAAAAAAAAAHooklabNotifierDevBearer';
export const CONSUMER_SECRET = 'hooklab-social-notifier-consumer-secret';
export const OTHER_BEARER = 'AAAAAAAAAAAAAAAAAAAAAHooklabOtherAppDevBearer';
export const USER_TOKEN = 'su_test_atelier';

export const appAuth = { authorization: `Bearer ${BEARER}` };
export const userAuth = { authorization: `Bearer ${USER_TOKEN}` };

/** A context for `app.request()` tests; `env` overrides the config (e.g. `{ HOOKLAB_DEV: '0' }`). */
export function testContext(env: Record<string, string> = {}): SocialContext & { close(): void } {
  const config = socialConfigSchema.parse({
    HOOKLAB_DEV: '1',
    HOOKLAB_DEV_TOKEN: DEV_TOKEN,
    LOG_LEVEL: 'silent',
    SOCIAL_CRC_TIMEOUT_MS: '1000',
    ...env,
  });
  const { db, sqlite, close } = openSocialDatabase(':memory:');
  const ctx = createSocialContext({ config, db, sqlite, recorder: new ExchangeRecorder('social') });
  return Object.assign(ctx, { close });
}

export const json = (body: unknown, headers: Record<string, string> = appAuth) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

export interface ReceivedDelivery {
  body: string;
  verified: boolean;
  json: { data: { id: string; text: string }; matching_rules: { id: string; tag?: string }[] };
}

/**
 * A webhook receiver on 127.0.0.1:0 that answers the CRC with `secret` (or wrongly, when `crc` says so)
 * and records every POST with whether its `x-twitter-webhooks-signature` verified.
 */
export async function startReceiver(
  opts: { secret?: string; crc?: 'right' | 'wrong' | 'status500'; status?: number } = {},
) {
  const secret = opts.secret ?? CONSUMER_SECRET;
  const state = { crc: opts.crc ?? 'right', status: opts.status ?? 200, crcCalls: 0 };
  const received: ReceivedDelivery[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET') {
      state.crcCalls++;
      const token = url.searchParams.get('crc_token') ?? '';
      if (state.crc === 'status500') return void res.writeHead(500).end();
      const answer = createXCrcResponse(token, state.crc === 'right' ? secret : 'not-the-secret');
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      let verified = true;
      try {
        verifyX({ body, headers: req.headers as Record<string, string>, secrets: secret });
      } catch {
        verified = false;
      }
      received.push({ body, verified, json: JSON.parse(body) });
      res.writeHead(state.status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/x`;
  return { url, received, state, close: () => new Promise<void>((r) => server.close(() => r())) };
}
