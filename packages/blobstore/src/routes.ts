import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { Hono } from 'hono';
import { isValidKey } from './keys.ts';
import type { LocalBlobStore } from './local-store.ts';
import { parseRange } from './range.ts';

// Readable.toWeb keeps the keep-alive socket busy for seconds after the last byte (Node 20); this does not.
function toWebStream(stream: Readable): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      stream.on('data', (chunk: Buffer) => {
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 1) <= 0) stream.pause();
      });
      stream.once('end', () => controller.close());
      stream.once('error', (err) => controller.error(err));
    },
    pull() {
      stream.resume();
    },
    cancel() {
      stream.destroy();
    },
  });
}

function problem(status: number, code: string, title: string, detail?: string): Response {
  const body = {
    type: `https://hooklab.dev/problems/${code}`,
    title,
    status,
    code,
    ...(detail ? { detail } : {}),
  };
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/problem+json' },
  });
}

/**
 * Hono routes serving a local blob store's signed URLs: mount them where the store's `baseUrl`
 * points (e.g. `app.route('/blobs', blobRoutes(store))`). GET and HEAD, single byte ranges, ETag.
 */
export function blobRoutes(store: LocalBlobStore): Hono {
  const app = new Hono();
  app.on(['GET', 'HEAD'], '/:key{.+}', async (c) => {
    const key = c.req.param('key');
    if (!isValidKey(key)) return problem(400, 'invalid_blob_key', 'This is not a valid blob key');
    const check = store.verifyUrl(key, c.req.query('expires'), c.req.query('signature'));
    if (check === 'tampered') {
      return problem(
        403,
        'signature_invalid',
        'The URL signature is missing or does not match',
        'Signed URLs must be used exactly as issued.',
      );
    }
    if (check === 'expired') {
      const at = new Date(Number(c.req.query('expires')) * 1000).toISOString();
      return problem(
        410,
        'url_expired',
        `This signed URL expired at ${at}`,
        'Ask the provider for a fresh URL.',
      );
    }
    const info = await store.head(key);
    if (!info) return problem(404, 'blob_not_found', 'No blob under this key');

    const etag = `"${info.sha256}"`;
    const base: Record<string, string> = {
      'content-type': info.contentType,
      etag,
      'accept-ranges': 'bytes',
      'cache-control': 'private, no-transform',
      'x-content-sha256': info.sha256,
    };
    if (
      c.req
        .header('if-none-match')
        ?.split(',')
        .some((t) => t.trim() === etag)
    ) {
      return new Response(null, { status: 304, headers: { etag } });
    }
    const ifRange = c.req.header('if-range');
    const range =
      ifRange && ifRange !== etag ? { kind: 'none' as const } : parseRange(c.req.header('range'), info.size);
    if (range.kind === 'unsatisfiable') {
      return new Response(
        JSON.stringify({
          type: 'https://hooklab.dev/problems/range_not_satisfiable',
          title: `Range not satisfiable for a blob of ${info.size} bytes`,
          status: 416,
          code: 'range_not_satisfiable',
        }),
        {
          status: 416,
          headers: { 'content-type': 'application/problem+json', 'content-range': `bytes */${info.size}` },
        },
      );
    }
    const partial = range.kind === 'ok';
    const start = partial ? range.start : 0;
    const end = partial ? range.end : info.size - 1;
    const headers: Record<string, string> = {
      ...base,
      'content-length': String(Math.max(0, end - start + 1)),
    };
    if (partial) headers['content-range'] = `bytes ${start}-${end}/${info.size}`;
    const status = partial ? 206 : 200;
    if (c.req.method === 'HEAD' || info.size === 0) return new Response(null, { status, headers });
    const stream = await store.stream(key, { start, end });
    if (!stream) return problem(404, 'blob_not_found', 'No blob under this key');
    const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
    if (outgoing && typeof outgoing.writeHead === 'function' && !outgoing.headersSent) {
      // On @hono/node-server, pipe the file straight into the socket (no web-stream copies) and
      // tell the adapter the response is already sent (its RESPONSE_ALREADY_SENT convention).
      outgoing.writeHead(status, headers);
      stream.once('error', () => outgoing.destroy());
      stream.pipe(outgoing);
      const sent = new Response(null, { status, headers: { ...headers, 'x-hono-already-sent': 'true' } });
      void sent.body; // materialises the adapter's lightweight Response, so it takes the already-sent branch
      return sent;
    }
    return new Response(toWebStream(stream), { status, headers });
  });
  return app;
}
