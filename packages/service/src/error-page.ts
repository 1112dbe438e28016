import { STATUS_CODES } from 'node:http';
import type { Context } from 'hono';
import { accepts } from 'hono/accepts';
import { html } from 'hono/html';
import type { NormalizedError } from './errors.ts';

/** Renders a normalised error as a whole page for a browser; may be async (JSX layouts). */
export type ErrorPageRenderer = (c: Context, e: NormalizedError) => Response | Promise<Response>;

/** True when the client prefers an HTML page to JSON (a browser), by the `Accept` header's weights. */
export function prefersHtml(c: Context): boolean {
  return (
    accepts(c, {
      header: 'Accept',
      supports: ['text/html', 'application/json', 'application/problem+json'],
      default: 'application/json',
    }) === 'text/html'
  );
}

const TITLES: Partial<Record<number, string>> = {
  400: 'That did not work',
  401: 'Sign-in needed',
  403: 'Not allowed',
  404: 'Page not found',
  405: 'Not allowed here',
  408: 'That took too long',
  409: 'That clashed with something else',
  410: 'This link has expired',
  413: 'That was too large',
  415: 'Unsupported format',
  422: 'That did not work',
  429: 'Too many requests',
};

/** The words of an error page: a short title and a sentence a person can act on (never internals). */
export function errorPageText(c: Context, e: NormalizedError): { title: string; message: string } {
  const title =
    e.status >= 500 ? 'Something went wrong' : (TITLES[e.status] ?? STATUS_CODES[e.status] ?? 'Error');
  let message = e.message;
  if (e.status === 404 && e.code === 'not_found' && message.startsWith('No route for '))
    message = `There is no page at ${c.req.path}.`;
  else if (e.status >= 500) message = 'This is on our side, not yours. Please try again in a moment.';
  else if (e.issues?.length) message = 'Please check these fields:';
  return { title, message };
}

/**
 * The kit's default error page: status, a human message, validation issues, the request id and a link
 * home, styled inline (no assets to fail). Everything shown is escaped; no stack trace ever.
 */
export function defaultErrorPage(service: string): ErrorPageRenderer {
  return (c, e) => {
    const { title, message } = errorPageText(c, e);
    const requestId = c.get('requestId' as never) as string | undefined;
    const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${e.status} ${title} · ${service}</title>
<style>
body{margin:0;min-height:100vh;display:grid;place-items:center;background:#f6f5f2;color:#1d1d1f;font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif}
main{max-width:34rem;margin:2rem;padding:2rem 2.25rem;background:#fff;border:1px solid #e4e2dc;border-radius:12px;box-shadow:0 1px 3px rgba(0,0,0,.05)}
.status{font:600 .85rem/1 ui-monospace,monospace;color:#8a8578;letter-spacing:.08em}
h1{margin:.4rem 0 .8rem;font-size:1.6rem}
ul{padding-left:1.2rem}
a{color:#3b5bdb}
.meta{margin-top:1.5rem;font-size:.8rem;color:#8a8578}
</style>
</head>
<body>
<main>
<div class="status">${e.status} · ${service}</div>
<h1>${title}</h1>
<p>${message}</p>
${e.issues?.length ? html`<ul>${e.issues.map((i) => html`<li><strong>${i.path || 'request'}</strong>: ${i.message}</li>`)}</ul>` : ''}
<p><a href="/">Back to the start</a></p>
${requestId ? html`<p class="meta">Request id <code>${requestId}</code></p>` : ''}
</main>
</body>
</html>`;
    return new Response(String(page), {
      status: e.status,
      headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...e.headers },
    });
  };
}
