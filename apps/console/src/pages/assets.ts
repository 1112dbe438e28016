// The browser code: src/client/*.ts bundled and minified by esbuild in memory, once, on first use. esbuild does
// the work in its own process, so the console keeps none of a bundler's memory after the build.
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export interface ClientBundle {
  /** `console-<hash>.js`: a new name whenever the code changes, so it can be cached for good. */
  name: string;
  code: string;
  bytes: number;
  gzipBytes: number;
}

export interface ClientAssets {
  bundle(): Promise<ClientBundle>;
}

const ENTRY = fileURLToPath(new URL('../client/main.ts', import.meta.url));

/** Bundles the client with esbuild's build API (no file written). */
export async function buildClient(entry = ENTRY): Promise<ClientBundle> {
  const esbuild = await import('esbuild');
  const out = await esbuild
    .build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      minify: true,
      format: 'esm',
      target: 'es2022',
      platform: 'browser',
      logLevel: 'silent',
    })
    .finally(() => esbuild.stop()); // the build service is a child process: end it, the bundle is kept
  if (out.outputFiles.length !== 1)
    throw new Error(`expected one client file, got ${out.outputFiles.length}`);
  const code = out.outputFiles[0]!.text;
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 10);
  return {
    name: `console-${hash}.js`,
    code,
    bytes: Buffer.byteLength(code),
    gzipBytes: gzipSync(code).length,
  };
}

/** Builds on first use and keeps the result (a failed build is retried on the next request). */
export function createClientAssets(build: () => Promise<ClientBundle> = () => buildClient()): ClientAssets {
  let pending: Promise<ClientBundle> | undefined;
  return {
    bundle() {
      pending ??= build().catch((err) => {
        pending = undefined;
        throw err;
      });
      return pending;
    },
  };
}
