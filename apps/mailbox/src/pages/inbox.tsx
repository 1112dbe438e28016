import { ApiError, randomHex } from '@hooklab/service';
import { type Context, Hono } from 'hono';
import type { Child } from 'hono/jsx';
import type { MailboxContext } from '../context.ts';
import type { Address, MessageRow } from '../db/schema.ts';
import { getMessage, listMessages } from '../domain/messages.ts';
import { LIVE_INBOX_SCRIPT } from './live-inbox.ts';
import { CSS } from './styles.ts';

export const TABS = ['html', 'text', 'headers', 'raw'] as const;
type Tab = (typeof TABS)[number];

/** The pages' own policy: only this origin, only the nonce'd script, the message body only in a frame. */
export function pageCsp(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    "frame-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The policy of a message's HTML body: no script of any kind, no form, no plugin, and images only from the
 * message itself (inline `cid:` parts arrive as data: URLs) unless remote images were asked for. `sandbox`
 * repeats the iframe's own sandbox for anyone who opens the body URL directly.
 */
export function bodyCsp(remoteImages: boolean): string {
  return [
    "default-src 'none'",
    `img-src data:${remoteImages ? ' https: http:' : ''}`,
    "style-src 'unsafe-inline'",
    'font-src data:',
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'self'",
    'sandbox',
  ].join('; ');
}

const who = (a: Address | null) => (a ? (a.name ? `${a.name} <${a.address}>` : a.address) : '');
const time = (ms: number | null) =>
  ms == null ? '—' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19);

function Page(props: { title: string; nonce: string; children: Child; script?: string }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{props.title}</title>
        <style nonce={props.nonce}>{CSS}</style>
      </head>
      <body>
        <header>
          <a href="/">Mailbox</a>
          <span class="muted">Hooklab's SMTP sink: every message sent to it lands here</span>
        </header>
        <main>{props.children}</main>
        {props.script ? (
          <script nonce={props.nonce} dangerouslySetInnerHTML={{ __html: props.script }} />
        ) : null}
      </body>
    </html>
  );
}

function render(c: Context, nonce: string, page: Child) {
  c.header('content-security-policy', pageCsp(nonce));
  c.header('x-content-type-options', 'nosniff');
  c.header('cache-control', 'no-store');
  return c.html(page as never);
}

function Row({ m }: { m: MessageRow }) {
  const href = `/messages/${m.id}`;
  return (
    <tr id={`row-${m.id}`}>
      <td>
        <a href={href}>{who(m.from) || m.envelopeFrom}</a>
      </td>
      <td>
        <a href={href}>{(m.to.length ? m.to.map(who) : m.envelopeTo).join(', ')}</a>
      </td>
      <td class="subject">
        <a href={href}>
          {m.subject || '(no subject)'}
          <span class="snippet"> {(m.text ?? '').replace(/\s+/g, ' ').trim().slice(0, 120)}</span>
        </a>
      </td>
      <td class="muted">
        <a href={href}>{time(m.receivedAt)}</a>
      </td>
    </tr>
  );
}

function MessageView({ m, tab, remote }: { m: MessageRow; tab: Tab; remote: boolean }) {
  const base = `/messages/${m.id}`;
  return (
    <>
      <div class="card">
        <h1>{m.subject || '(no subject)'}</h1>
        <dl>
          <dt>From</dt>
          <dd>{who(m.from) || m.envelopeFrom}</dd>
          <dt>To</dt>
          <dd>{m.to.map(who).join(', ') || m.envelopeTo.join(', ')}</dd>
          {m.cc.length ? (
            <>
              <dt>Cc</dt>
              <dd>{m.cc.map(who).join(', ')}</dd>
            </>
          ) : null}
          <dt>Date</dt>
          <dd>{time(m.date ?? m.receivedAt)}</dd>
          {m.sender ? (
            <>
              <dt>Sent by</dt>
              <dd>
                <span class="badge">{m.sender}</span>{' '}
                {m.traceId ? <span class="muted">trace {m.traceId}</span> : null}
              </dd>
            </>
          ) : null}
          {m.attachments.length ? (
            <>
              <dt>Attached</dt>
              <dd>
                {m.attachments.map((a) => (
                  <span class="badge">
                    {a.filename ?? '(unnamed)'} · {a.contentType} · {a.size} B
                  </span>
                ))}
              </dd>
            </>
          ) : null}
        </dl>
      </div>
      <nav class="tabs">
        {TABS.map((t) => (
          <a href={`${base}?tab=${t}`} aria-current={t === tab ? 'page' : undefined}>
            {t === 'html' ? 'HTML' : t === 'text' ? 'Text' : t === 'headers' ? 'Headers' : 'Raw'}
          </a>
        ))}
      </nav>
      <div class="pane">
        {tab === 'html' ? (
          m.html ? (
            <>
              <p class="notice">
                Shown in a sandbox: scripts never run{remote ? '' : ', and remote images are blocked'}.{' '}
                <a href={remote ? base : `${base}?images=remote`}>
                  {remote ? 'Block remote images' : 'Load remote images'}
                </a>
              </p>
              <iframe
                title="The message's HTML"
                sandbox=""
                referrerpolicy="no-referrer"
                src={`${base}/body${remote ? '?images=remote' : ''}`}
              />
            </>
          ) : (
            <p class="muted">This message has no HTML part; see its text.</p>
          )
        ) : tab === 'text' ? (
          <pre>{m.text ?? '(no text part)'}</pre>
        ) : tab === 'headers' ? (
          <table>
            <tbody>
              {m.headers.map(([name, value]) => (
                <tr>
                  <th>{name}</th>
                  <td>{value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <>
            <p class="muted">
              <a href={`/api/v1/messages/${m.id}/raw`}>Download the source</a> ({m.size} bytes)
            </p>
            <pre>{m.raw.toString('utf8')}</pre>
          </>
        )}
      </div>
    </>
  );
}

const notFound = (id: string) =>
  new ApiError({
    status: 404,
    code: 'message_not_found',
    message: `There is no message ${id} in the mailbox.`,
  });

/** The inbox: the list with live arrival, one message in tabs, and its HTML body for the sandboxed frame. */
export function inboxPages(ctx: MailboxContext) {
  return new Hono()
    .get('/', (c) => {
      const nonce = randomHex(16);
      const q = c.req.query('q')?.trim().slice(0, 200) || undefined;
      const page = listMessages(ctx.db, { limit: ctx.config.MAILBOX_PAGE_LIMIT, q });
      return render(
        c,
        nonce,
        <Page title="Mailbox" nonce={nonce} script={q ? undefined : LIVE_INBOX_SCRIPT}>
          <div class="card">
            <h1>
              Inbox{' '}
              <span class="badge" id="count">
                {page.total}
              </span>
            </h1>
            <p class="muted">
              Send mail to{' '}
              <code>
                smtp://{ctx.config.HOST}:{ctx.smtpPort()}
              </code>{' '}
              (no login). New messages appear here as they arrive.{' '}
              <button id="delete-all" type="button">
                Delete all
              </button>
            </p>
            <form method="get" action="/">
              <input
                type="search"
                name="q"
                value={q ?? ''}
                placeholder="Search subject, sender, recipients, text"
              />{' '}
              <button type="submit" class="plain">
                Search
              </button>
              {q ? (
                <>
                  {' '}
                  <a href="/">Show all</a>
                </>
              ) : null}
            </form>
            {page.total > page.data.length ? (
              <p class="muted">
                The newest {page.data.length} of {page.total}; the API pages through the rest.
              </p>
            ) : null}
            <table>
              <thead>
                <tr>
                  <th>From</th>
                  <th>To</th>
                  <th>Subject</th>
                  <th>Received</th>
                </tr>
              </thead>
              <tbody id="messages">
                {page.data.map((m) => (
                  <Row m={m} />
                ))}
              </tbody>
            </table>
            <p class="empty" id="empty" hidden={page.total > 0}>
              No messages yet.
            </p>
          </div>
        </Page>,
      );
    })
    .get('/messages/:id', (c) => {
      const id = c.req.param('id');
      const m = getMessage(ctx.db, id);
      if (!m) throw notFound(id);
      const asked = c.req.query('tab');
      const tab: Tab = (TABS as readonly string[]).includes(asked ?? '')
        ? (asked as Tab)
        : m.html
          ? 'html'
          : 'text';
      const nonce = randomHex(16);
      return render(
        c,
        nonce,
        <Page title={`${m.subject || '(no subject)'} · Mailbox`} nonce={nonce}>
          <p>
            <a href="/">← Inbox</a>
          </p>
          <MessageView m={m} tab={tab} remote={c.req.query('images') === 'remote'} />
        </Page>,
      );
    })
    .get('/messages/:id/body', (c) => {
      const id = c.req.param('id');
      const m = getMessage(ctx.db, id);
      if (!m) throw notFound(id);
      if (!m.html)
        throw new ApiError({ status: 404, code: 'no_html', message: 'This message has no HTML part.' });
      c.header('content-security-policy', bodyCsp(c.req.query('images') === 'remote'));
      c.header('x-content-type-options', 'nosniff');
      c.header('referrer-policy', 'no-referrer');
      c.header('cache-control', 'no-store');
      return c.html(m.html);
    });
}
