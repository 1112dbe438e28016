import type { HonoRequest } from 'hono';

/** Reads the request body once, refusing early on Content-Length and again while counting streamed bytes. */
export async function readRawBody(req: HonoRequest, maxBytes: number): Promise<Uint8Array | 'too_large'> {
  const declared = req.raw.headers.get('content-length')?.trim();
  if (declared && /^\d+$/.test(declared) && Number(declared) > maxBytes) return 'too_large';

  // An earlier middleware may already have read the body through Hono's cache.
  if (Object.keys(req.bodyCache).length > 0) {
    const cached = new Uint8Array(await req.arrayBuffer());
    return cached.byteLength > maxBytes ? 'too_large' : cached;
  }
  const stream = req.raw.body;
  if (!stream) return new Uint8Array(0);

  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      return 'too_large';
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  // Handlers may still call c.req.text()/json(): Hono derives them from this cache.
  (req.bodyCache as Record<string, Promise<unknown>>).arrayBuffer = Promise.resolve(bytes.buffer);
  return bytes;
}
