// POST over node:http(s) with keep-alive agents. Not global fetch: on Node 20 it manages roughly
// a third of the requests per second of a keep-alive node:http agent on the same machine.
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { pinnedLookup } from '../ssrf/pinned-lookup.ts';
import type { Transport, TransportRequest, TransportResult } from './types.ts';

export interface HttpTransportOptions {
  /** Default per-attempt deadline for connect + request + response, in ms. */
  timeoutMs?: number;
  /** How much of a response body is kept; the rest is not read and the socket is dropped. */
  maxResponseBytes?: number;
  /** Sockets per origin; should be at least the dispatcher's per-endpoint concurrency. */
  maxSocketsPerOrigin?: number;
}

const KEPT_HEADERS = [
  'retry-after',
  'content-type',
  'content-length',
  'location',
  'x-request-id',
  'date',
  'x-slack-no-retry',
];

class AttemptTimeout extends Error {}

/** What a target URL turns into, parsed once per URL (bounded cache). */
type Target =
  | {
      ok: true;
      secure: boolean;
      protocol: string;
      hostname: string;
      port: string | undefined;
      path: string;
      /** The Host header node would send: host[:port], port omitted when it is the scheme's default. */
      host: string;
      servername: string | undefined;
    }
  | { ok: false; excerpt: string };

// Above the callbacks a busy sender cycles through (the hub's bench: 2,000), or every attempt re-parses.
const TARGET_CACHE_MAX = 16_384;

function parseTarget(raw: string): Target {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, excerpt: 'invalid URL' };
  }
  const secure = url.protocol === 'https:';
  if (!secure && url.protocol !== 'http:') {
    return { ok: false, excerpt: `unsupported scheme ${url.protocol}` };
  }
  return {
    ok: true,
    secure,
    protocol: url.protocol,
    hostname: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port || undefined,
    path: url.pathname + url.search,
    host: url.host,
    servername: secure && !isIP(url.hostname) ? url.hostname : undefined,
  };
}

/** One attempt in flight, for the shared deadline sweep. */
interface Pending {
  req: http.ClientRequest;
  deadline: number;
  timeoutMs: number;
}

/** A `Transport` for `http:` and `https:` URLs. */
export function createHttpTransport(options: HttpTransportOptions = {}): Transport {
  const defaultTimeoutMs = options.timeoutMs ?? 10_000;
  const defaultMaxBytes = options.maxResponseBytes ?? 4096;
  const maxSockets = options.maxSocketsPerOrigin ?? 64;
  const agentOptions = {
    keepAlive: true,
    maxSockets,
    maxFreeSockets: maxSockets,
    scheduling: 'lifo' as const,
  };
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent(agentOptions);
  const targets = new Map<string, Target>();
  // A fan-out sends one body string to many callbacks: its UTF-8 length is measured once, not per attempt.
  let lastBody = '';
  let lastBodyBytes = 0;
  const byteLengthOf = (body: string): number => {
    if (body !== lastBody) {
      lastBodyBytes = Buffer.byteLength(body, 'utf8');
      lastBody = body;
    }
    return lastBodyBytes;
  };

  const targetOf = (raw: string): Target => {
    let target = targets.get(raw);
    if (target === undefined) {
      target = parseTarget(raw);
      if (targets.size >= TARGET_CACHE_MAX) targets.delete(targets.keys().next().value as string);
      targets.set(raw, target);
    }
    return target;
  };

  // One deadline per attempt, covering connect to last byte (node's socket timeout only measures
  // idleness). Instead of a timer per request, one sweep checks the attempts in flight; it runs every
  // tenth of the shortest deadline in flight (5–100 ms), so an attempt ends at most that much late.
  const pending = new Set<Pending>();
  let sweepTimer: NodeJS.Timeout | null = null;
  let sweepEveryMs = 0;
  const sweep = () => {
    const now = performance.now();
    for (const p of pending) {
      if (p.deadline <= now) {
        pending.delete(p);
        p.req.destroy(new AttemptTimeout(`no response within ${p.timeoutMs} ms`));
      }
    }
    if (pending.size === 0 && sweepTimer !== null) {
      clearInterval(sweepTimer);
      sweepTimer = null;
    }
  };
  const watch = (p: Pending) => {
    pending.add(p);
    const every = Math.min(100, Math.max(5, Math.floor(p.timeoutMs / 10)));
    if (sweepTimer !== null && every >= sweepEveryMs) return;
    if (sweepTimer !== null) clearInterval(sweepTimer);
    sweepEveryMs = every;
    sweepTimer = setInterval(sweep, every);
  };

  function send(request: TransportRequest): Promise<TransportResult> {
    const started = performance.now();
    const timeoutMs = request.timeoutMs ?? defaultTimeoutMs;
    const maxBytes = request.maxResponseBytes ?? defaultMaxBytes;

    return new Promise<TransportResult>((resolve) => {
      let settled = false;
      let watched: Pending | undefined;
      const finish = (result: Omit<TransportResult, 'durationMs'>) => {
        if (settled) return;
        settled = true;
        if (watched) pending.delete(watched);
        resolve({ ...result, durationMs: Math.round((performance.now() - started) * 10) / 10 });
      };

      const target = targetOf(request.url);
      if (!target.ok) {
        return finish({
          ok: false,
          statusCode: null,
          failureKind: 'connection',
          headers: {},
          excerpt: target.excerpt,
        });
      }

      // Flat [name, value, …] headers go straight to the request line (node validates them there)
      // instead of one setHeader call per name. Our content-length wins; a caller's host is kept.
      const headers: string[] = [];
      let hasHost = false;
      for (const name in request.headers) {
        const lower = name.length === 14 || name.length === 4 ? name.toLowerCase() : '';
        if (lower === 'content-length') continue;
        if (lower === 'host') hasHost = true;
        headers.push(name, request.headers[name]!);
      }
      if (!hasHost) headers.push('host', target.host);
      headers.push('content-length', String(byteLengthOf(request.body)));
      const req = (target.secure ? https : http).request({
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        path: target.path,
        method: 'POST',
        headers,
        agent: target.secure ? httpsAgent : httpAgent,
        lookup: request.addresses?.length ? pinnedLookup(request.addresses) : undefined,
        servername: target.servername,
      });

      watched = { req, deadline: started + timeoutMs, timeoutMs };
      watch(watched);

      req.on('error', (error) => {
        const timeout = error instanceof AttemptTimeout;
        finish({
          ok: false,
          statusCode: null,
          failureKind: timeout ? 'timeout' : 'connection',
          headers: {},
          excerpt: timeout ? error.message : describeError(error),
        });
      });

      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        const kept: Record<string, string> = {};
        for (const name of KEPT_HEADERS) {
          const value = res.headers[name];
          if (typeof value === 'string') kept[name] = value;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        const done = (truncated: boolean) => {
          // NUL cannot be stored in a PostgreSQL text column; the excerpt is for people anyway.
          const excerpt =
            size === 0
              ? ''
              : Buffer.concat(chunks, Math.min(size, maxBytes))
                  .toString('utf8')
                  .replaceAll('\u0000', '\uFFFD');
          // 3xx counts as a failure: a webhook sender never follows redirects.
          const ok = status >= 200 && status < 300;
          finish({ ok, statusCode: status, failureKind: ok ? null : 'http', headers: kept, excerpt });
          if (truncated) res.destroy();
        };
        res.on('data', (chunk: Buffer) => {
          if (settled) return;
          size += chunk.length;
          chunks.push(chunk);
          if (size >= maxBytes && !res.complete) done(true);
        });
        res.on('end', () => done(false));
        res.on('error', () => done(true));
        res.on('aborted', () => done(true));
      });

      // A string body goes out in one write with the header block (node joins them); a Buffer would be a
      // second chunk and a writev per request.
      req.end(request.body, 'utf8');
    });
  }

  return {
    send,
    close() {
      if (sweepTimer !== null) clearInterval(sweepTimer);
      sweepTimer = null;
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

function describeError(error: Error & { code?: string }): string {
  return error.code ? `${error.code}: ${error.message}` : error.message;
}
