// What the notifier RECEIVES from Slack: Events API callbacks, slash commands and button clicks, all signed
// with the app's signing secret. A small Bolt Receiver mounted in the Hono app (same port as everything else):
// the HTTP answer leaves as soon as the listener calls ack(); the listener's work goes on after it.
import { bodyLimit, noteSignature, readRawBody, type ServiceEnv } from '@hooklab/service';
import { type App, isValidSlackRequest, type Receiver, type ReceiverEvent } from '@slack/bolt';
import { type Context, Hono } from 'hono';

export interface HonoReceiverOptions {
  /** The app's signing secrets (several while rotating). */
  signingSecrets: () => string[];
  /** How long a request may wait for ack() before it is answered anyway (Slack gives up after 3 s). */
  ackTimeoutMs?: number;
  now?: () => number;
  onError?: (err: unknown) => void;
}

type AckBody = string | Record<string, unknown> | undefined;

function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> | undefined {
  try {
    if (contentType?.startsWith('application/x-www-form-urlencoded')) {
      const form = new URLSearchParams(raw);
      const payload = form.get('payload');
      // Interactivity sends one `payload` field of JSON; slash commands send plain fields.
      if (payload !== null) return JSON.parse(payload);
      return Object.fromEntries(form);
    }
    const body = JSON.parse(raw) as unknown;
    return body && typeof body === 'object' && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A Bolt Receiver that Hono routes call: `receiver.handle(c)`. */
export class HonoReceiver implements Receiver {
  private bolt: App | undefined;

  constructor(private readonly opts: HonoReceiverOptions) {}

  init(app: App): void {
    this.bolt = app;
  }

  start(): Promise<this> {
    return Promise.resolve(this);
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  async handle(c: Context<ServiceEnv>): Promise<Response> {
    const raw = await readRawBody(c);
    const signature = c.req.header('x-slack-signature') ?? '';
    const timestamp = Number(c.req.header('x-slack-request-timestamp'));
    const now = this.opts.now?.() ?? Date.now();
    const valid = this.opts.signingSecrets().some((signingSecret) =>
      isValidSlackRequest({
        signingSecret,
        body: raw,
        headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp },
        nowMilliseconds: now,
      }),
    );
    noteSignature(
      c,
      valid
        ? { verified: true, scheme: 'slack' }
        : { verified: false, scheme: 'slack', reason: 'bad or stale X-Slack-Signature' },
    );
    if (!valid) return c.text('invalid signature', 401);

    const body = parseBody(raw, c.req.header('content-type'));
    if (!body) return c.text('invalid payload', 400);
    if (body.ssl_check !== undefined) return c.body(null, 200);
    if (body.type === 'url_verification') return c.json({ challenge: body.challenge });
    if (!this.bolt) return c.text('not ready', 503);

    let answer!: (b: AckBody) => void;
    const acked = new Promise<AckBody>((resolve) => {
      answer = resolve;
    });
    let done = false;
    const retryNum = Number(c.req.header('x-slack-retry-num'));
    const event: ReceiverEvent = {
      body,
      ack: async (response) => {
        if (done) return;
        done = true;
        answer(response as AckBody);
      },
      ...(Number.isInteger(retryNum) ? { retryNum } : {}),
      ...(c.req.header('x-slack-retry-reason') ? { retryReason: c.req.header('x-slack-retry-reason') } : {}),
      customProperties: {},
    };
    const processing = this.bolt.processEvent(event).then(
      () => 'finished' as const,
      (err: unknown) => {
        this.opts.onError?.(err);
        return 'failed' as const;
      },
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.opts.ackTimeoutMs ?? 2500);
    });
    const outcome = await Promise.race([acked.then((b) => ({ b })), processing, timeout]);
    clearTimeout(timer);
    if (typeof outcome === 'object') {
      const b = outcome.b;
      if (b === undefined || b === '') return c.body(null, 200);
      return typeof b === 'string' ? c.text(b, 200) : c.json(b, 200);
    }
    if (outcome === 'failed' && !done) return c.text('error', 500);
    // No listener acked in time: nothing here handles it (Bolt's own receivers answer 404 too).
    done = true;
    return c.body(null, 404);
  }
}

/** `POST /slack/events`, `/slack/commands`, `/slack/actions`: one receiver behind all three. */
export function slackRoutes(receiver: HonoReceiver, maxBytes: number) {
  const app = new Hono<ServiceEnv>();
  app.post('/:kind{events|commands|actions}', bodyLimit({ maxBytes }), (c) => receiver.handle(c));
  return app;
}
