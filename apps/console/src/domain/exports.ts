// A trace in formats other tools read: HAR 1.2 (browser devtools' Network panel, HAR viewers), a Mermaid
// sequence diagram (docs, GitHub), and one request as a curl command.
import { foldPolls, type Hop, labelOf, lifelinesOf } from './hops.ts';

const HOP_BY_HOP = new Set([
  'host',
  'content-length',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'accept-encoding',
]);

const headersOf = (h: Hop, side: 'request' | 'response'): Record<string, string> => {
  // The receiver saw the request as it arrived; the sender saw the answer as it arrived.
  const e = side === 'request' ? (h.received ?? h.sent) : (h.sent ?? h.received);
  return (side === 'request' ? e?.requestHeaders : e?.responseHeaders) ?? {};
};
const bodyOf = (h: Hop, side: 'request' | 'response') => {
  const e = side === 'request' ? (h.received ?? h.sent) : (h.sent ?? h.received);
  return side === 'request' ? e?.requestBody : e?.responseBody;
};

/** Quotes a string for a POSIX shell. */
export function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/** One hop as a curl command (headers and body as recorded, so redacted values stay redacted). */
export function curlOf(h: Hop): string {
  const lines = [`curl -X ${h.method} ${shellQuote(h.url)}`];
  for (const [k, v] of Object.entries(headersOf(h, 'request'))) {
    if (!HOP_BY_HOP.has(k)) lines.push(`  -H ${shellQuote(`${k}: ${v}`)}`);
  }
  const body = bodyOf(h, 'request');
  if (body !== undefined) lines.push(`  --data-raw ${shellQuote(body)}`);
  return lines.join(' \\\n');
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  303: 'See Other',
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  410: 'Gone',
  413: 'Content Too Large',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

const pairs = (o: Record<string, string>) => Object.entries(o).map(([name, value]) => ({ name, value }));

/** A trace as a HAR 1.2 log (http://www.softwareishard.com/blog/har-12-spec/); our extras under `_hooklab`. */
export function harOf(traceId: string, hops: Hop[], title = `Hooklab trace ${traceId}`) {
  const first = hops[0]?.start ?? Date.now();
  return {
    log: {
      version: '1.2',
      creator: { name: 'Hooklab console', version: '1.0' },
      pages: [
        {
          startedDateTime: new Date(first).toISOString(),
          id: traceId,
          title,
          pageTimings: { onContentLoad: -1, onLoad: -1 },
        },
      ],
      entries: hops.map((h) => {
        let query: { name: string; value: string }[] = [];
        try {
          query = [...new URL(h.url).searchParams].map(([name, value]) => ({ name, value }));
        } catch {}
        const reqHeaders = headersOf(h, 'request');
        const resHeaders = headersOf(h, 'response');
        const reqBody = bodyOf(h, 'request');
        const resBody = bodyOf(h, 'response');
        const resType = resHeaders['content-type'] ?? '';
        return {
          pageref: traceId,
          startedDateTime: new Date(h.start).toISOString(),
          time: h.durationMs,
          request: {
            method: h.method,
            url: h.url,
            httpVersion: 'HTTP/1.1',
            cookies: [],
            headers: pairs(reqHeaders),
            queryString: query,
            ...(reqBody === undefined
              ? {}
              : {
                  postData: {
                    mimeType: reqHeaders['content-type'] ?? 'application/octet-stream',
                    text: reqBody,
                  },
                }),
            headersSize: -1,
            bodySize: reqBody === undefined ? 0 : new TextEncoder().encode(reqBody).length,
          },
          response: {
            // HAR has no "no answer": 0, as browsers write for a failed request.
            status: h.status ?? 0,
            statusText: h.status === null ? (h.error ?? 'no answer') : (STATUS_TEXT[h.status] ?? ''),
            httpVersion: 'HTTP/1.1',
            cookies: [],
            headers: pairs(resHeaders),
            content: {
              size: resBody === undefined ? 0 : new TextEncoder().encode(resBody).length,
              mimeType: resType || 'application/octet-stream',
              ...(resBody === undefined ? {} : { text: resBody }),
            },
            redirectURL: resHeaders.location ?? '',
            headersSize: -1,
            bodySize: -1,
          },
          cache: {},
          timings: { send: 0, wait: h.durationMs, receive: 0 },
          _hooklab: {
            from: h.from,
            to: h.to,
            kind: h.kind,
            ...(h.attempt ? { attempt: h.attempt } : {}),
            ...(h.eventType ? { event_type: h.eventType } : {}),
            ...(h.eventId ? { event_id: h.eventId } : {}),
            ...(h.signature ? { signature: h.signature } : {}),
            ...(h.fault ? { fault: h.fault } : {}),
            ...(h.outcome ? { outcome: h.outcome } : {}),
            ...(h.duplicate ? { duplicate: true } : {}),
          },
        };
      }),
    },
  };
}

/** Text safe inside a Mermaid message: its statement separators and entity marks escaped. */
function mermaidText(s: string): string {
  return s
    .replaceAll('#', '#35;')
    .replaceAll(';', '#59;')
    .replaceAll(/[\r\n]+/g, ' ');
}

const participant = (name: string) => name.replace(/[^A-Za-z0-9_]/g, '_');

const ONE_WAY = new Set(['webhook', 'email', 'queue', 'topic']);

/** A trace as a Mermaid sequence diagram: each hop a call and its answer; failures crossed, retries noted. */
export function mermaidOf(hops: Hop[]): string {
  const lines = ['sequenceDiagram'];
  for (const name of lifelinesOf(hops))
    lines.push(`  participant ${participant(name)} as ${mermaidText(name)}`);
  // Polls fold as in the live diagram: one line per series, with how many and how many told nothing new.
  for (const row of foldPolls(hops)) {
    const h = row.hop;
    const from = participant(h.from);
    const to = participant(h.to);
    const times =
      row.count > 1 ? ` ×${row.count}${row.nothingNew ? ` (${row.nothingNew} told nothing new)` : ''}` : '';
    const attempt = (h.attempt && h.attempt > 1 ? ` (attempt ${h.attempt})` : '') + times;
    // Mermaid's open arrow for one-way messages (webhooks, e-mail, queue and topic messages).
    const arrow = ONE_WAY.has(h.kind) ? '-)' : '->>';
    lines.push(`  ${from}${arrow}${to}: ${mermaidText(labelOf(h) + attempt)}`);
    // A queue or topic send has no status code: the engine's outcome says whether it was stored.
    const stored = h.status === null && h.outcome === 'delivered';
    const answer = stored
      ? `stored (${h.kind})`
      : h.status === null
        ? `no answer: ${h.fault ? `${h.fault} (injected fault)` : (h.error ?? 'connection failed')}`
        : `${h.status}${h.duplicate ? ' duplicate, ignored' : ''}${h.signature?.verified ? ' (signature verified)' : ''}`;
    lines.push(`  ${to}${h.failed && !stored ? '--x' : '-->>'}${from}: ${mermaidText(answer)}`);
  }
  return `${lines.join('\n')}\n`;
}
