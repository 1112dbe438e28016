import { ApiError, randomBase62 } from '@hooklab/service';
import { type EndpointTarget, guardedFetch, UnsafeUrlError, verifyXCrcResponse } from '@hooklab/webhooks';
import type { SocialContext } from '../context.ts';
import { numericId } from './ids.ts';

export interface WebhookView {
  id: string;
  url: string;
  valid: boolean;
  created_at: string;
}

interface WebhookRow {
  id: string;
  app_id: string;
  url: string;
  valid: number;
  last_crc_error: string | null;
  last_crc_at: number;
  created_at: number;
}

const MAX_URL = 1024;
const MAX_CRC_BODY = 16 * 1024;

export const webhookView = (r: WebhookRow): WebhookView => ({
  id: r.id,
  url: r.url,
  valid: r.valid === 1,
  created_at: new Date(r.created_at).toISOString(),
});

const rowOf = (ctx: SocialContext, appId: string, id: string) =>
  ctx.sqlite
    .prepare<[string, string], WebhookRow>('SELECT * FROM webhooks WHERE app_id = ? AND id = ?')
    .get(appId, id);

export function listWebhooks(ctx: SocialContext, appId: string): WebhookView[] {
  return ctx.sqlite
    .prepare<[string], WebhookRow>('SELECT * FROM webhooks WHERE app_id = ? ORDER BY created_at, rowid')
    .all(appId)
    .map(webhookView);
}

export function getWebhook(ctx: SocialContext, appId: string, id: string): WebhookView | null {
  const row = rowOf(ctx, appId, id);
  return row ? webhookView(row) : null;
}

/**
 * X's Challenge-Response Check: `GET url?crc_token=T`, which must answer 200 with
 * `{"response_token": "sha256=" + base64(HMAC-SHA256(consumer_secret, T))}` in time. The GET goes
 * through the SSRF guard, to the address it resolved, and never follows a redirect.
 */
export async function runCrc(
  ctx: SocialContext,
  url: string,
  consumerSecret: string,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  const crcToken = randomBase62(32);
  const target = new URL(url);
  target.searchParams.append('crc_token', crcToken);
  let res: Response;
  try {
    res = await guardedFetch(
      target,
      {
        method: 'GET',
        headers: { accept: 'application/json', 'user-agent': 'Hooklab-Social-CRC/1.0' },
        signal: AbortSignal.timeout(ctx.config.SOCIAL_CRC_TIMEOUT_MS),
      },
      { check: ctx.guard.check, fetch: ctx.fetch },
    );
  } catch (err) {
    if (err instanceof UnsafeUrlError)
      return { ok: false, reason: `the URL may not be called: ${err.message}` };
    const e = err as Error;
    if (e.name === 'TimeoutError')
      return { ok: false, reason: `no answer within ${ctx.config.SOCIAL_CRC_TIMEOUT_MS} ms` };
    return {
      ok: false,
      reason: `could not connect: ${(e.cause as Error | undefined)?.message ?? e.message}`,
    };
  }
  if (res.status !== 200) {
    await res.body?.cancel();
    return { ok: false, reason: `the CRC GET was answered ${res.status}; it must be 200` };
  }
  let text: string;
  try {
    text = await res.text();
  } catch {
    return { ok: false, reason: 'the CRC answer could not be read' };
  }
  if (text.length > MAX_CRC_BODY) return { ok: false, reason: 'the CRC answer is too large' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'the CRC answer is not JSON {"response_token": "sha256=…"}' };
  }
  try {
    verifyXCrcResponse({ crcToken, response: json, secrets: consumerSecret });
    return { ok: true };
  } catch (err) {
    return {
      ok: false,
      reason: `${(err as Error).message} (expected sha256=base64(HMAC-SHA256(consumer secret, crc_token)))`,
    };
  }
}

function crcFailed(url: string, reason: string): ApiError {
  return new ApiError({
    status: 400,
    code: 'crc_validation_failed',
    message: `The webhook failed its CRC check: ${reason}`,
    param: 'url',
    extra: { value: url },
  });
}

/** The 400 for a refused webhook URL: invalid_request naming `url` and the value sent. */
function badUrl(url: unknown, message: string): ApiError {
  return new ApiError({
    status: 400,
    code: 'invalid_request',
    message,
    param: 'url',
    extra: { value: url ?? null },
  });
}

async function assertUrl(ctx: SocialContext, url: unknown): Promise<string> {
  if (typeof url !== 'string' || url.length === 0 || url.length > MAX_URL)
    throw badUrl(url, `url must be a string of 1 to ${MAX_URL} characters`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badUrl(url, 'url is not a valid absolute URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw badUrl(
      url,
      'url must be http or https: mailto:, queue: and topic: targets are not possible here: X proves the URL ' +
        'with a CRC GET, whose crc_token must come back HMAC-signed as response_token',
    );
  if (parsed.username || parsed.password || parsed.hash)
    throw badUrl(url, 'url may not carry credentials or a #fragment');
  const verdict = await ctx.guard.check(url);
  if (!verdict.ok) throw badUrl(url, `url may not be used: ${verdict.reason}`);
  return url;
}

// Registrations in progress, by app and URL: a second identical request waits for the first's result.
const inFlight = new WeakMap<SocialContext, Map<string, Promise<WebhookView>>>();

/**
 * `POST /2/webhooks`: the URL is checked, the CRC runs at once, and the webhook is stored only when it
 * passes. Two identical registrations at once share one CRC and one webhook.
 */
export function registerWebhook(
  ctx: SocialContext,
  app: { id: string; consumerSecret: string },
  url: unknown,
): Promise<WebhookView> {
  const pending = inFlight.get(ctx) ?? new Map<string, Promise<WebhookView>>();
  inFlight.set(ctx, pending);
  const key = `${app.id} ${String(url)}`;
  const running = pending.get(key);
  if (running) return running;
  const work = (async () => {
    const checked = await assertUrl(ctx, url);
    const existing = ctx.sqlite
      .prepare<[string, string], { id: string }>('SELECT id FROM webhooks WHERE app_id = ? AND url = ?')
      .get(app.id, checked);
    if (existing) {
      throw new ApiError({
        status: 400,
        code: 'duplicate_url',
        message: `This app already has a webhook for this URL (${existing.id}); PUT /2/webhooks/${existing.id} re-validates it`,
        param: 'url',
        extra: { value: checked },
      });
    }
    const count = ctx.sqlite
      .prepare<[string], { n: number }>('SELECT count(*) AS n FROM webhooks WHERE app_id = ?')
      .get(app.id)!.n;
    if (count >= ctx.config.SOCIAL_MAX_WEBHOOKS_PER_APP) {
      throw new ApiError({
        status: 403,
        code: 'limit_exceeded',
        message: `An app may have ${ctx.config.SOCIAL_MAX_WEBHOOKS_PER_APP} webhooks; delete one first`,
      });
    }
    const crc = await runCrc(ctx, checked, app.consumerSecret);
    if (!crc.ok) throw crcFailed(checked, crc.reason);
    const now = ctx.clock.now();
    const row: WebhookRow = {
      id: numericId(),
      app_id: app.id,
      url: checked,
      valid: 1,
      last_crc_error: null,
      last_crc_at: now,
      created_at: now,
    };
    ctx.sqlite
      .prepare(
        `INSERT INTO webhooks (id, app_id, url, valid, last_crc_error, last_crc_at, created_at)
         VALUES (@id, @app_id, @url, @valid, @last_crc_error, @last_crc_at, @created_at)`,
      )
      .run(row);
    return webhookView(row);
  })()
    .catch((err: unknown) => {
      // Another process registered the same URL during our CRC: the unique index keeps it one webhook.
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new ApiError({
          status: 400,
          code: 'duplicate_url',
          message: 'This app already has a webhook for this URL',
          param: 'url',
          extra: { value: url },
        });
      }
      throw err;
    })
    .finally(() => pending.delete(key));
  pending.set(key, work);
  return work;
}

/** Re-runs the CRC and stores the verdict: a failing webhook is `valid:false` and gets nothing until it passes. */
export async function revalidateWebhook(
  ctx: SocialContext,
  app: { id: string; consumerSecret: string },
  id: string,
): Promise<{ webhook: WebhookView; reason: string | null } | null> {
  const row = rowOf(ctx, app.id, id);
  if (!row) return null;
  const crc = await runCrc(ctx, row.url, app.consumerSecret);
  const reason = crc.ok ? null : crc.reason;
  const now = ctx.clock.now();
  const changed = ctx.sqlite
    .prepare('UPDATE webhooks SET valid = ?, last_crc_error = ?, last_crc_at = ? WHERE id = ?')
    .run(crc.ok ? 1 : 0, reason, now, id).changes;
  if (changed === 0) return null;
  if (row.valid === 1 && !crc.ok)
    ctx.logger?.warn(
      { webhookId: id, reason },
      'webhook failed its CRC re-check: no deliveries until it passes',
    );
  return {
    webhook: webhookView({ ...row, valid: crc.ok ? 1 : 0, last_crc_error: reason, last_crc_at: now }),
    reason,
  };
}

/** The periodic re-check: every webhook's CRC, one after another. Returns how many passed and failed. */
export async function recheckAll(ctx: SocialContext): Promise<{ passed: number; failed: number }> {
  const rows = ctx.sqlite
    .prepare<[], { id: string; app_id: string; consumer_secret: string }>(
      'SELECT w.id, w.app_id, a.consumer_secret FROM webhooks w JOIN client_apps a ON a.id = w.app_id',
    )
    .all();
  let passed = 0;
  let failed = 0;
  for (const r of rows) {
    const out = await revalidateWebhook(ctx, { id: r.app_id, consumerSecret: r.consumer_secret }, r.id);
    if (out?.reason === null) passed++;
    else if (out) failed++;
  }
  return { passed, failed };
}

export async function deleteWebhook(ctx: SocialContext, appId: string, id: string): Promise<boolean> {
  const deleted =
    ctx.sqlite.prepare('DELETE FROM webhooks WHERE app_id = ? AND id = ?').run(appId, id).changes > 0;
  return deleted;
}

/** The dispatcher asks before each attempt: a deleted webhook's deliveries are canceled, an invalid one's held back. */
export function resolveEndpoint(ctx: SocialContext, webhookId: string): EndpointTarget | null {
  const row = ctx.sqlite
    .prepare<[string], { url: string; valid: number; consumer_secret: string }>(
      'SELECT w.url, w.valid, a.consumer_secret FROM webhooks w JOIN client_apps a ON a.id = w.app_id WHERE w.id = ?',
    )
    .get(webhookId);
  if (!row) return null;
  return { url: row.url, secrets: [row.consumer_secret], scheme: 'x', enabled: row.valid === 1 };
}
