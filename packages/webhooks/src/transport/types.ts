import type { FailureKind } from '../outbox/types.ts';

export interface TransportRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs?: number;
  maxResponseBytes?: number;
  /** Addresses the SSRF check resolved; the connection goes to one of these, not to a fresh DNS answer. */
  addresses?: readonly string[];
}

export interface TransportResult {
  ok: boolean;
  statusCode: number | null;
  failureKind: Exclude<FailureKind, 'ssrf' | 'gone' | 'dns'> | null;
  /** Lower-cased subset worth keeping: retry-after, content-type, content-length, location, request ids. */
  headers: Record<string, string>;
  /** Up to `maxResponseBytes` of the body (UTF-8), or the error message on a failure before a response. */
  excerpt: string;
  durationMs: number;
}

/** Sends one webhook attempt. Never throws: every failure comes back as a result. */
export interface Transport {
  send(request: TransportRequest): Promise<TransportResult>;
  close(): void;
}
