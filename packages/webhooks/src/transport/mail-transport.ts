// mailto: targets — one e-mail per attempt through nodemailer over SMTP (SMTP_URL; default the
// mailbox app's sink on smtp://localhost:2525). A server that is down or refuses is a retried failure.
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { connectionFailure, startAttempt } from './attempt.ts';
import { parseCallbackTarget } from './callback-target.ts';
import type { Transport, TransportRequest, TransportResult } from './types.ts';

export interface MailTransportOptions {
  /** `smtp://user:pass@host:port` or `smtps://…`; default `smtp://localhost:2525`. */
  smtpUrl?: string;
  /** The From header; default `Hooklab <webhooks@hooklab.test>`. */
  from?: string;
  /** Per-attempt deadline (connect, greeting, each reply), in ms; default 10 s. */
  timeoutMs?: number;
  /** SMTP connections kept open; default 4. */
  maxConnections?: number;
  /** The sending app, as `X-Hooklab-From` (the mailbox names the arrow's tail after it). */
  service?: string;
}

export const DEFAULT_SMTP_URL = 'smtp://localhost:2525';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * Subject, text and HTML of the e-mail for one event: readable first, the full JSON below. A body with
 * `mail: {subject, text, html?}` is sent as written.
 */
export function renderEventMail(eventType: string, eventId: string, body: string) {
  let data: unknown = body;
  try {
    data = JSON.parse(body);
  } catch {
    // Not JSON: shown as it is.
  }
  // A message written for a person (the shop's customer e-mails) carries its own subject and bodies.
  const own = (data as { mail?: { subject?: unknown; text?: unknown; html?: unknown } } | null)?.mail;
  if (own && typeof own.subject === 'string' && typeof own.text === 'string') {
    const html = typeof own.html === 'string' ? own.html : `<pre>${escapeHtml(own.text)}</pre>`;
    return { subject: own.subject, text: own.text, html };
  }
  const pretty = typeof data === 'string' ? data : JSON.stringify(data, null, 2);
  // Stripe-shaped ({data: {object}}), `{type, data}`-shaped, or the object itself.
  const inner = (data as { data?: unknown })?.data;
  const object = ((inner as { object?: unknown })?.object ?? inner ?? data) as unknown;
  const record =
    object && typeof object === 'object' && !Array.isArray(object) ? (object as Record<string, unknown>) : {};
  const facts = Object.entries(record)
    .filter(([, v]) => v === null || ['string', 'number', 'boolean'].includes(typeof v))
    .slice(0, 12);
  const idKey = 'id' in record ? 'id' : Object.keys(record).find((k) => k.endsWith('_id'));
  const subjectId = idKey && typeof record[idKey] === 'string' ? `: ${record[idKey]}` : '';
  const subject = `[Hooklab] ${eventType}${subjectId}`;
  const text = [
    `Event: ${eventType}`,
    `Event id: ${eventId}`,
    ...facts.map(([k, v]) => `${k}: ${String(v)}`),
    '',
    'The full event:',
    pretty,
  ].join('\n');
  const rows = facts
    .map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(String(v))}</td></tr>`)
    .join('');
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif">
<h2>${escapeHtml(eventType)}</h2><p>Event id <code>${escapeHtml(eventId)}</code></p>
<table cellpadding="4">${rows}</table>
<details><summary>The full event</summary><pre>${escapeHtml(pretty)}</pre></details>
</body></html>`;
  return { subject, text, html };
}

/** A `Transport` for `mailto:` targets. */
export function createMailTransport(options: MailTransportOptions = {}): Transport {
  const timeoutMs = options.timeoutMs ?? 10_000;
  // nodemailer is loaded on first use: an app that never sends mail does not pay for it.
  let transporter: Promise<import('nodemailer').Transporter<SMTPTransport.SentMessageInfo>> | null = null;
  const pool = () => {
    transporter ??= import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport({
        url: options.smtpUrl ?? DEFAULT_SMTP_URL,
        pool: true,
        maxConnections: options.maxConnections ?? 4,
        connectionTimeout: timeoutMs,
        greetingTimeout: timeoutMs,
        socketTimeout: timeoutMs,
      } as SMTPTransport.Options),
    );
    return transporter;
  };
  const from = options.from ?? 'Hooklab <webhooks@hooklab.test>';

  async function send(request: TransportRequest): Promise<TransportResult> {
    const done = startAttempt();
    const parsed = parseCallbackTarget(request.url);
    if (!parsed.ok || parsed.target.kind !== 'email') return done(connectionFailure('not a mailto: address'));
    const h = request.headers;
    const eventId = h['x-hooklab-event-id'] ?? 'unknown';
    const eventType = h['x-hooklab-event-type'] ?? 'event';
    const { subject, text, html } = renderEventMail(eventType, eventId, request.body);
    const headers: Record<string, string> = {
      'X-Hooklab-Event-Id': eventId,
      'X-Hooklab-Event-Type': eventType,
    };
    if (h['x-hooklab-attempt']) headers['X-Hooklab-Attempt'] = h['x-hooklab-attempt'];
    if (h.traceparent) headers.traceparent = h.traceparent;
    if (options.service) headers['X-Hooklab-From'] = options.service;
    try {
      const info = await (await pool()).sendMail({
        from,
        to: parsed.target.address,
        subject,
        text,
        html,
        headers,
        // One Message-ID per event: a retry after a lost reply is the same message to a mail client.
        messageId: `<${eventId.replace(/[^A-Za-z0-9._-]/g, '_')}@hooklab.webhooks>`,
      });
      const code = Number.parseInt(info.response, 10);
      return done({
        ok: true,
        statusCode: Number.isFinite(code) ? code : 250,
        failureKind: null,
        excerpt: info.response.slice(0, 512),
      });
    } catch (error) {
      const e = error as Error & { code?: string; responseCode?: number; response?: string };
      if (e.responseCode) {
        // The server answered and refused (4xx temporary, 5xx permanent): both retried, as an HTTP 5xx is.
        return done({
          ok: false,
          statusCode: e.responseCode,
          failureKind: 'http',
          excerpt: (e.response ?? e.message).slice(0, 512),
        });
      }
      const timeout = e.code === 'ETIMEDOUT' || /timeout/i.test(e.message);
      return done({
        ok: false,
        statusCode: null,
        failureKind: timeout ? 'timeout' : 'connection',
        excerpt: `${e.code ? `${e.code}: ` : ''}${e.message}`.slice(0, 512),
      });
    }
  }

  return {
    send,
    close() {
      void transporter?.then((t) => t.close());
      transporter = null;
    },
  };
}
