// The guiding tests' vocabulary: each check throws a sentence that teaches, not a diff of two values.
import { isDeepStrictEqual } from 'node:util';

/** Thrown by a stub the attendee has not written yet. */
export class TodoError extends Error {
  constructor(what: string) {
    super(`TODO: ${what}`);
    this.name = 'TodoError';
  }
}

/** What a stub calls where the attendee's code goes. */
export function todo(what: string): never {
  throw new TodoError(what);
}

/** A failed guiding check: its message is the lesson. */
export class LessonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LessonError';
  }
}

export function ensure(condition: unknown, lesson: string): asserts condition {
  if (!condition) throw new LessonError(lesson);
}

export function same<T>(actual: unknown, expected: T, lesson: string): asserts actual is T {
  if (!isDeepStrictEqual(actual, expected))
    throw new LessonError(`${lesson}\n    expected: ${show(expected)}\n    got:      ${show(actual)}`);
}

/** Runs `fn`, which must fail; returns its error. */
export async function rejects(fn: () => unknown, lesson: string): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof TodoError) throw err;
    return err;
  }
  throw new LessonError(lesson);
}

/** Runs `fn`, which must succeed; an error it throws is wrapped in the lesson. */
export async function resolves<T>(fn: () => T | Promise<T>, lesson: string): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof TodoError || err instanceof LessonError) throw err;
    throw new LessonError(`${lesson}\n    it threw: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function show(v: unknown): string {
  try {
    const s =
      typeof v === 'string'
        ? JSON.stringify(v)
        : JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x));
    return s === undefined ? String(v) : s.length > 300 ? `${s.slice(0, 300)}…` : s;
  } catch {
    return String(v);
  }
}

/** One guiding test: a name and a body run against an implementation (the attendee's or the reference). */
export interface Check<Impl, Ctx = undefined> {
  name: string;
  /** `meta.source`: the text of the attendee's file, for the few rules a behaviour cannot show. */
  run(impl: Impl, ctx: Ctx, meta: { source: string }): Promise<void> | void;
}

/** An exercise's guiding tests, with what they need running around them (a payments app, a database…). */
export interface Checks<Impl, Ctx = undefined> {
  checks: Check<Impl, Ctx>[];
  setup?: () => Promise<{ ctx: Ctx; close(): Promise<void> | void }>;
}

export interface CheckResult {
  name: string;
  ok: boolean;
  todo: boolean;
  message?: string;
}

/** Runs every check in order against `impl`; never throws (a failing setup fails every check). */
export async function runChecks<Impl, Ctx>(
  suite: Checks<Impl, Ctx>,
  impl: Impl,
  meta: { source: string } = { source: '' },
): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  let env: { ctx: Ctx; close(): Promise<void> | void } | undefined;
  try {
    env = suite.setup ? await suite.setup() : { ctx: undefined as Ctx, close() {} };
  } catch (err) {
    const message = `the exercise's setup failed: ${err instanceof Error ? err.message : String(err)}`;
    return suite.checks.map((c) => ({ name: c.name, ok: false, todo: false, message }));
  }
  try {
    for (const c of suite.checks) {
      try {
        await c.run(impl, env.ctx, meta);
        out.push({ name: c.name, ok: true, todo: false });
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        out.push({ name: c.name, ok: false, todo: err instanceof TodoError, message });
      }
    }
  } finally {
    await env.close();
  }
  return out;
}
