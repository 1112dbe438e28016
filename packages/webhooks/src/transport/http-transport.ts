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
      /** The host is an IP address. */
      literal: boolean;
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
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  return {
    ok: true,
    secure,
    protocol: url.protocol,
    hostname,
    port: url.port || undefined,
    path: url.pathname + url.search,
    host: url.host,
    servername: secure && !isIP(url.hostname) ? url.hostname : undefined,
    literal: isIP(hostname) !== 0,
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
    let resolve!: (result: TransportResult) => void;
    const promise = new Promise<TransportResult>((r) => {
      resolve = r;
    });

    const target = targetOf(request.url);
    if (!target.ok) {
      const state = new AttemptState(resolve, started, 0, null, null);
      state.finish(false, null, 'connection', {}, target.excerpt);
      return promise;
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
      // An IP-address host is connected to as it is: no lookup to pin.
      lookup: request.addresses?.length && !target.literal ? pinnedLookup(request.addresses) : undefined,
      servername: target.servername,
    });
    const watched: Pending = { req, deadline: started + timeoutMs, timeoutMs };
    const maxBytes = request.maxResponseBytes ?? defaultMaxBytes;
    const state = new AttemptState(resolve, started, maxBytes, pending, watched);
    (req as AttemptRequest)[STATE] = state;
    watch(watched);
    // Listeners are shared functions that find the attempt on the request: no closures per attempt.
    req.on('error', onRequestError);
    req.on('response', onResponse);
    // A string body goes out in one write with the header block (node joins them); a Buffer would be a
    // second chunk and a writev per request.
    req.end(request.body, 'utf8');
    return promise;
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

const STATE = Symbol('attempt');
type Carrier = { [STATE]?: AttemptState };
type AttemptRequest = http.ClientRequest & Carrier;

/** One attempt's state from request to result. */
class AttemptState {
  settled = false;
  status = 0;
  kept: Record<string, string> = {};
  chunks: Buffer[] = [];
  size = 0;
  constructor(
    readonly resolve: (result: TransportResult) => void,
    readonly started: number,
    readonly maxBytes: number,
    readonly pending: Set<Pending> | null,
    readonly watched: Pending | null,
  ) {}

  finish(
    ok: boolean,
    statusCode: number | null,
    failureKind: TransportResult['failureKind'],
    headers: Record<string, string>,
    excerpt: string,
  ): void {
    if (this.settled) return;
    this.settled = true;
    if (this.watched) this.pending?.delete(this.watched);
    const durationMs = Math.round((performance.now() - this.started) * 10) / 10;
    this.resolve({ ok, statusCode, failureKind, headers, excerpt, durationMs });
  }

  /** The response ended, or was cut at `maxBytes` (truncated) or by an error. */
  done(res: http.IncomingMessage, truncated: boolean): void {
    if (this.settled) return;
    // NUL cannot be stored in a PostgreSQL text column; the excerpt is for people anyway.
    const excerpt =
      this.size === 0
        ? ''
        : Buffer.concat(this.chunks, Math.min(this.size, this.maxBytes))
            .toString('utf8')
            .replaceAll('\u0000', '\uFFFD');
    // 3xx counts as a failure: a webhook sender never follows redirects.
    const ok = this.status >= 200 && this.status < 300;
    this.finish(ok, this.status, ok ? null : 'http', this.kept, excerpt);
    if (truncated) res.destroy();
  }
}

function stateOf(emitter: http.ClientRequest | http.IncomingMessage): AttemptState {
  return (emitter as Carrier)[STATE]!;
}

function onRequestError(this: http.ClientRequest, error: Error) {
  const timeout = error instanceof AttemptTimeout;
  stateOf(this).finish(
    false,
    null,
    timeout ? 'timeout' : 'connection',
    {},
    timeout ? error.message : describeError(error),
  );
}

function onResponse(this: http.ClientRequest, res: http.IncomingMessage) {
  const state = stateOf(this);
  (res as Carrier)[STATE] = state;
  state.status = res.statusCode ?? 0;
  for (const name of KEPT_HEADERS) {
    const value = res.headers[name];
    if (typeof value === 'string') state.kept[name] = value;
  }
  res.on('data', onResponseData);
  res.on('end', onResponseEnd);
  res.on('error', onResponseCut);
  res.on('aborted', onResponseCut);
}

function onResponseData(this: http.IncomingMessage, chunk: Buffer) {
  const state = stateOf(this);
  if (state.settled) return;
  state.size += chunk.length;
  state.chunks.push(chunk);
  if (state.size >= state.maxBytes && !this.complete) state.done(this, true);
}

function onResponseEnd(this: http.IncomingMessage) {
  stateOf(this).done(this, false);
}

function onResponseCut(this: http.IncomingMessage) {
  stateOf(this).done(this, true);
}

function describeError(error: Error & { code?: string }): string {
  return error.code ? `${error.code}: ${error.message}` : error.message;
}
