// The browser code: src/client/*.ts bundled and minified by Vite (Rolldown) in memory, once, on first use.
import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
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

/** Bundles the client with Vite's build API (no file written). */
export async function buildClient(entry = ENTRY): Promise<ClientBundle> {
  const { build } = await import('vite');
  const out = await build({
    configFile: false,
    envFile: false,
    publicDir: false,
    logLevel: 'silent',
    root: dirname(entry),
    build: {
      write: false,
      minify: true,
      target: 'es2022',
      modulePreload: false,
      rollupOptions: { input: entry, output: { format: 'es', entryFileNames: 'console.js' } },
    },
  });
  const outputs = (Array.isArray(out) ? out : [out]) as { output: { type: string; code?: string }[] }[];
  const chunks = outputs.flatMap((o) => o.output).filter((c) => c.type === 'chunk');
  if (chunks.length !== 1) throw new Error(`expected one client chunk, got ${chunks.length}`);
  const code = chunks[0]!.code!;
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
