// The receiving side of S15: one verifying endpoint per signature scheme, built from the delivery engine's own
// receiver middleware (raw body, constant-time compare, tolerance, dedupe by message id). It counts the
// effects it let through, so "refused" and "happened once" are witnessed, not assumed.
import { serve } from '@hooklab/service';
import { createXCrcResponse, type SigningScheme, verifyWebhook, type WebhookEnv } from '@hooklab/webhooks';
import { Hono } from 'hono';

export interface Defender {
  url: string;
  /** Secrets each scheme's endpoint verifies with (several during a rotation); change them at will. */
  secrets: Map<SigningScheme, string[]>;
  /** Message ids whose effect ran, by scheme, in order (a duplicate never adds one). */
  effects: Map<SigningScheme, string[]>;
  /** Raw deliveries as they arrived (genuine ones from providers, before any attack replays them). */
  arrivals: { scheme: SigningScheme; headers: Record<string, string>; body: string }[];
  close(): Promise<void>;
}

export const DEFENDED_SCHEMES = [
  'stripe',
  'standard',
  'slack',
  'x',
] as const satisfies readonly SigningScheme[];

export async function startDefender(): Promise<Defender> {
  const secrets = new Map<SigningScheme, string[]>();
  const effects = new Map<SigningScheme, string[]>();
  const arrivals: Defender['arrivals'] = [];
  const app = new Hono();
  for (const scheme of DEFENDED_SCHEMES) {
    app.post(
      `/${scheme}`,
      async (c, next) => {
        const headers: Record<string, string> = {};
        c.req.raw.headers.forEach((v, k) => {
          headers[k] = v;
        });
        arrivals.push({ scheme, headers, body: await c.req.raw.clone().text() });
        await next();
      },
      verifyWebhook<WebhookEnv>({ scheme, getSecrets: () => secrets.get(scheme) ?? [], toleranceSec: 300 }),
      (c) => {
        const hook = c.get('webhook');
        const payload = hook.payload as { type?: string; challenge?: string } | null;
        // Slack's url_verification is signed like an event, but it is a handshake, not an effect.
        if (scheme === 'slack' && payload?.type === 'url_verification') {
          return c.json({ challenge: payload.challenge });
        }
        const list = effects.get(scheme) ?? [];
        list.push(hook.id);
        effects.set(scheme, list);
        return c.json({ received: true });
      },
    );
  }
  // X's CRC: the genuine answer with the consumer secret, and at /x-wrong one made with a secret X never gave.
  app.get('/x', (c) => {
    const token = c.req.query('crc_token');
    const [secret] = secrets.get('x') ?? [];
    if (!token || !secret) return c.json({ error: 'crc_token and a consumer secret are needed' }, 400);
    return c.json(createXCrcResponse(token, secret));
  });
  app.get('/x-wrong', (c) =>
    c.json(createXCrcResponse(c.req.query('crc_token') || 'x', 'not-the-consumer-secret')),
  );
  const server = await serve({ app, port: 0, hostname: '127.0.0.1' });
  return { url: server.url, secrets, effects, arrivals, close: server.close };
}
