import { WebSubError } from './errors.ts';
import { linksFromMarkup, parseLinkHeader, type WebLink } from './links.ts';

export type FetchFn = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface Discovered {
  /** The `rel="self"` URL: what to send as `hub.topic` (the fetched URL when none is advertised). */
  topic: string;
  /** Every `rel="hub"` advertised, in order; subscribe to one (or all). */
  hubs: string[];
  /** Where the hub links were found: Link headers win over the document's `<link>` elements. */
  source: 'link-header' | 'document';
  /** False when the publisher advertised no `rel="self"` and the fetched URL stands in for it. */
  selfAdvertised: boolean;
}

const MARKUP = /\b(html|xml|atom|rss)\b/i;

function pick(links: WebLink[], rel: string): string[] {
  return links.filter((l) => l.rels.includes(rel)).map((l) => l.href);
}

/**
 * WebSub discovery (§4): GET the URL, read `Link: <…>; rel="hub"` / `rel="self"` headers first, then the
 * `<link>` elements of an HTML, Atom or RSS body. Throws `WebSubError('no_hub')` when nothing is advertised.
 */
export async function discover(
  url: string,
  opts: { fetch?: FetchFn; maxBytes?: number; signal?: AbortSignal } = {},
): Promise<Discovered> {
  const doFetch = opts.fetch ?? globalThis.fetch;
  let res: Response;
  try {
    res = await doFetch(url, {
      headers: { accept: 'application/json, text/html;q=0.9, application/atom+xml;q=0.9, */*;q=0.5' },
      signal: opts.signal,
    });
  } catch (err) {
    throw new WebSubError('topic_unreachable', `GET ${url} failed: ${(err as Error).message}`);
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => {});
    throw new WebSubError('topic_unreachable', `GET ${url} answered ${res.status}`, res.status);
  }
  const base = res.url || url;
  const headerLinks = parseLinkHeader(res.headers.get('link'), base);
  let hubs = pick(headerLinks, 'hub');
  let self = pick(headerLinks, 'self')[0];
  let source: Discovered['source'] = 'link-header';
  if ((!hubs.length || !self) && MARKUP.test(res.headers.get('content-type') ?? '')) {
    const text = await readCapped(res, opts.maxBytes ?? 1024 * 1024);
    const docLinks = linksFromMarkup(text, base);
    if (!hubs.length) {
      hubs = pick(docLinks, 'hub');
      source = 'document';
    }
    self ??= pick(docLinks, 'self')[0];
  } else {
    await res.body?.cancel().catch(() => {});
  }
  if (!hubs.length) throw new WebSubError('no_hub', `${url} advertises no rel="hub"`);
  return { topic: self ?? base, hubs: [...new Set(hubs)], source, selfAdvertised: Boolean(self) };
}

async function readCapped(res: Response, maxBytes: number): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    total += value.byteLength;
    // Discovery links sit in the <head>: what comes after the cap is not needed.
    if (total >= maxBytes) {
      await reader.cancel().catch(() => {});
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}
