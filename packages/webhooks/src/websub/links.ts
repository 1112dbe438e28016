/** One web link (RFC 8288): its target, resolved against the document URL, and its relation types. */
export interface WebLink {
  href: string;
  rels: string[];
  type?: string;
}

function resolve(href: string, base: string): string | null {
  try {
    return new URL(href, base).toString();
  } catch {
    return null;
  }
}

/** Splits on `sep` outside quotes and angle brackets (a URL may hold commas, a quoted title too). */
function splitOutside(text: string, sep: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let angled = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"' && !angled && text[i - 1] !== '\\') quoted = !quoted;
    else if (ch === '<' && !quoted) angled = true;
    else if (ch === '>' && !quoted) angled = false;
    else if (ch === sep && !quoted && !angled) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** Parses one or more `Link` header values: `<url>; rel="hub", <url>; rel="self"`. Bad entries are skipped. */
export function parseLinkHeader(
  values: string | readonly string[] | null | undefined,
  base: string,
): WebLink[] {
  const list = values == null ? [] : typeof values === 'string' ? [values] : values;
  const out: WebLink[] = [];
  for (const value of list) {
    for (const entry of splitOutside(value, ',')) {
      const m = /^\s*<([^>]*)>\s*(.*)$/s.exec(entry);
      if (!m) continue;
      const href = resolve(m[1]!.trim(), base);
      if (!href) continue;
      const params = new Map<string, string>();
      for (const p of splitOutside(m[2]!, ';')) {
        const kv = /^\s*([A-Za-z0-9!#$&+.^_`|~*-]+)\s*(?:=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;]*)))?\s*$/.exec(p);
        if (!kv || params.has(kv[1]!.toLowerCase())) continue;
        params.set(kv[1]!.toLowerCase(), (kv[2] ?? kv[3] ?? '').replace(/\\(.)/g, '$1'));
      }
      const rels = (params.get('rel') ?? '').toLowerCase().split(/\s+/).filter(Boolean);
      if (rels.length) out.push({ href, rels, ...(params.has('type') ? { type: params.get('type')! } : {}) });
    }
  }
  return out;
}

const decodeEntities = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/**
 * The `<link rel=… href=…>` elements of an HTML, Atom or RSS document (`atom:link` too), in document order.
 * Only link elements are read: no scripts, no other markup matters for discovery.
 */
export function linksFromMarkup(markup: string, base: string): WebLink[] {
  const out: WebLink[] = [];
  const doc = markup.replace(/<!--[\s\S]*?-->/g, '');
  for (const tag of doc.matchAll(/<(?:[a-z0-9]+:)?link\b([^>]*)>/gi)) {
    const attrs = new Map<string, string>();
    for (const a of tag[1]!.matchAll(/([^\s=/]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>/]+))/g)) {
      const name = a[1]!.toLowerCase();
      if (!attrs.has(name)) attrs.set(name, decodeEntities(a[2] ?? a[3] ?? a[4] ?? ''));
    }
    const rawHref = attrs.get('href');
    const rels = (attrs.get('rel') ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    if (!rawHref || !rels.length) continue;
    const href = resolve(rawHref.trim(), base);
    if (href) out.push({ href, rels, ...(attrs.has('type') ? { type: attrs.get('type')! } : {}) });
  }
  return out;
}
