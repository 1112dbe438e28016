import { createHash } from 'node:crypto';
import type { FetchLike, Logger } from '@hooklab/service';
import { type CheckUrlResult, guardedFetch, UnsafeUrlError } from '@hooklab/webhooks';
import type { ShopDb } from '../db/index.ts';
import type { Manifest } from '../db/schema.ts';
import { getManifest, recordManifestCheck } from '../domain/manifests.ts';

export type ManifestResult = Pick<
  Manifest,
  'status' | 'actualSize' | 'actualSha256' | 'httpStatus' | 'detail'
>;

/**
 * Downloads a manifest by reference (S07's claim check) and checks it against the callback's size and
 * sha256. A refused URL (403/410) or a digest that does not match is recorded as refused, never thrown.
 */
export async function downloadManifest(
  opts: {
    fetch: FetchLike;
    maxBytes: number;
    timeoutMs?: number;
    /** The SSRF guard: a reference in a callback is still a URL someone else chose. */
    urlCheck: (url: string) => Promise<CheckUrlResult>;
  },
  expected: { url: string; size: number | null; sha256: string | null },
): Promise<ManifestResult> {
  let res: Response;
  try {
    // Connects only to the address the guard checked (no second DNS answer) and never follows a redirect:
    // either could point the download anywhere after the check.
    res = await guardedFetch(
      expected.url,
      { signal: AbortSignal.timeout(opts.timeoutMs ?? 60_000) },
      { check: opts.urlCheck, fetch: opts.fetch },
    );
  } catch (err) {
    if (err instanceof UnsafeUrlError) {
      return {
        status: 'refused',
        actualSize: null,
        actualSha256: null,
        httpStatus: null,
        detail: `unsafe URL, not fetched: ${err.message}`,
      };
    }
    return {
      status: 'error',
      actualSize: null,
      actualSha256: null,
      httpStatus: null,
      detail: `download failed: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel().catch(() => undefined);
    const refused = res.status === 403 || res.status === 410;
    return {
      status: refused ? 'refused' : 'error',
      actualSize: null,
      actualSha256: null,
      httpStatus: res.status,
      detail: refused
        ? `the signed URL was refused (${res.status}${res.status === 410 ? ', expired' : ''})`
        : `unexpected HTTP ${res.status}`,
    };
  }
  const hash = createHash('sha256');
  let size = 0;
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > opts.maxBytes) {
        await reader.cancel();
        return {
          status: 'refused',
          actualSize: size,
          actualSha256: null,
          httpStatus: res.status,
          detail: `larger than the ${opts.maxBytes}-byte limit`,
        };
      }
      hash.update(value);
    }
  } catch (err) {
    return {
      status: 'error',
      actualSize: size,
      actualSha256: null,
      httpStatus: res.status,
      detail: `download interrupted: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
  const sha256 = hash.digest('hex');
  const problems: string[] = [];
  if (expected.size != null && size !== expected.size)
    problems.push(`size ${size} ≠ announced ${expected.size}`);
  if (expected.sha256 && sha256 !== expected.sha256.toLowerCase())
    problems.push('sha256 does not match the announced digest');
  return problems.length
    ? {
        status: 'mismatch',
        actualSize: size,
        actualSha256: sha256,
        httpStatus: res.status,
        detail: problems.join('; '),
      }
    : { status: 'ok', actualSize: size, actualSha256: sha256, httpStatus: res.status, detail: null };
}

/** Fetches and checks one stored manifest, then records the result. */
export async function checkManifest(
  deps: {
    db: ShopDb;
    fetch: FetchLike;
    maxBytes: number;
    now: () => number;
    logger?: Logger;
    urlCheck: (url: string) => Promise<CheckUrlResult>;
  },
  id: string,
): Promise<Manifest | undefined> {
  const m = getManifest(deps.db, id);
  if (!m) return undefined;
  const result = await downloadManifest(deps, { url: m.url, size: m.expectedSize, sha256: m.expectedSha256 });
  recordManifestCheck(deps.db, id, result, deps.now());
  if (result.status !== 'ok') deps.logger?.warn({ manifest: id, ...result }, 'manifest refused');
  return getManifest(deps.db, id);
}
