import { describe, expect, it } from 'vitest';
import { readSse, SseParser } from './sse.ts';

describe('SseParser', () => {
  it('reads events split anywhere across chunks, with ids, multi-line data, comments and CRLF', () => {
    const p = new SseParser();
    const text =
      ': hello\r\nevent: exchange\r\nid: exc_1\r\ndata: {"a":\r\ndata: 1}\r\n\r\nretry: 500\ndata: plain\n\n';
    const events = [...text].flatMap((ch) => p.push(ch));
    expect(events).toEqual([
      { event: 'exchange', id: 'exc_1', data: '{"a":\n1}' },
      { event: 'message', id: 'exc_1', data: 'plain', retry: 500 },
    ]);
  });

  it('ignores an event with no data line, as browsers do', () => {
    expect(new SseParser().push('event: ready\n\n')).toEqual([]);
  });
});

describe('readSse', () => {
  it('reads a byte stream to its end, multi-byte characters split across chunks included', async () => {
    const bytes = new TextEncoder().encode('data: café ✓\n\n');
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        for (const b of bytes) c.enqueue(new Uint8Array([b]));
        c.close();
      },
    });
    const seen: string[] = [];
    await readSse(body, (e) => seen.push(e.data));
    expect(seen).toEqual(['café ✓']);
  });
});
