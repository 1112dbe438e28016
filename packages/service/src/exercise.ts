// Workshop seams (workshop/README.md): in dev mode, `pnpm dev --exercise NN` names a module written by an
// attendee that replaces one seam's default code; every exchange it handled is marked for the console.
import { pathToFileURL } from 'node:url';
import type { Context } from 'hono';
import { currentTrace, type TraceContext } from './tracing.ts';

/** The response header that marks an exchange handled by an attendee's code: its exercise number. */
export const EXERCISE_HEADER = 'x-hooklab-exercise';

const loaded = new Map<string, Promise<unknown>>();

/**
 * The attendee's module for exercise `id`, or undefined (the seam keeps its own code): only in dev mode,
 * and only when HOOKLAB_EXERCISE is `id` and HOOKLAB_EXERCISE_MODULE names the file. Read per call, so
 * a test can swap the module; each file is imported once (tsx watch restarts the app when it changes).
 */
export async function exerciseModule<T>(
  id: string,
  dev: boolean,
  env: Record<string, string | undefined> = process.env,
): Promise<T | undefined> {
  if (!dev || env.HOOKLAB_EXERCISE !== id || !env.HOOKLAB_EXERCISE_MODULE) return undefined;
  const file = env.HOOKLAB_EXERCISE_MODULE;
  let mod = loaded.get(file);
  if (!mod) {
    mod = import(pathToFileURL(file).href);
    loaded.set(file, mod);
    // A module that failed to load is tried again on the next request (the attendee fixes a typo).
    mod.catch(() => loaded.delete(file));
  }
  return (await mod) as T;
}

const marks = new WeakMap<TraceContext, string>();

/**
 * Marks the request being handled as handled by exercise `id`: its answer carries EXERCISE_HEADER, an
 * error answer too (the recorder sets the header on whatever response the request ended with).
 */
export function markExercise(id: string, c?: Context): void {
  if (c) c.header(EXERCISE_HEADER, id);
  const trace = currentTrace();
  if (trace) marks.set(trace, id);
}

/** The mark set without a Context (markExercise from code deep in a request), for the recorder to apply. */
export function exerciseMarkOf(trace: TraceContext | undefined): string | undefined {
  return trace ? marks.get(trace) : undefined;
}
