// Slack's synchronous signed requests to an app: url_verification, slash commands and interactivity.
// Sent once (Slack does not retry these), within the ack window, after the SSRF guard allowed the URL.
import { signSlack } from '@hooklab/webhooks';
import type { SlackContext } from '../../context.ts';
import type * as schema from '../../db/schema.ts';

export type SignedPostResult =
  | { ok: true; status: number; contentType: string; text: string }
  | {
      ok: false;
      reason: 'http_timeout' | 'connection_failed' | 'ssrf_blocked' | 'http_error';
      detail: string;
      status?: number;
    };

/** POSTs `body` signed with the app's signing secret (`X-Slack-Signature: v0=…`). */
export async function signedPost(
  ctx: SlackContext,
  app: schema.App,
  url: string,
  body: string,
  contentType: 'application/json' | 'application/x-www-form-urlencoded',
): Promise<SignedPostResult> {
  const verdict = await ctx.checkUrl(url);
  if (!verdict.ok) return { ok: false, reason: 'ssrf_blocked', detail: verdict.reason };
  const signature = signSlack({
    timestampSec: Math.floor(ctx.clock.now() / 1000),
    body,
    secrets: [app.signingSecret],
  });
  try {
    const res = await ctx.fetch(url, {
      method: 'POST',
      headers: {
        'content-type': contentType,
        'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
        ...signature,
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(ctx.config.SLACK_ACK_TIMEOUT_MS),
    });
    const text = (await res.text()).slice(0, 64 * 1024);
    if (res.status < 200 || res.status >= 300) {
      return { ok: false, reason: 'http_error', status: res.status, detail: `HTTP ${res.status}` };
    }
    return { ok: true, status: res.status, contentType: res.headers.get('content-type') ?? '', text };
  } catch (error) {
    const name = (error as Error).name;
    const timeout = name === 'TimeoutError' || name === 'AbortError';
    return {
      ok: false,
      reason: timeout ? 'http_timeout' : 'connection_failed',
      detail: timeout ? `no answer within ${ctx.config.SLACK_ACK_TIMEOUT_MS} ms` : 'could not connect',
    };
  }
}
