import type { FetchLike, ServiceName, ServiceUrls } from '@hooklab/service';

/** Stable scenario ids: code, tests, docs and the console all use them. */
export type ScenarioId =
  | 'S01'
  | 'S02'
  | 'S03'
  | 'S04'
  | 'S05'
  | 'S06'
  | 'S07'
  | 'S08'
  | 'S09'
  | 'S10'
  | 'S11'
  | 'S12'
  | 'S13'
  | 'S14'
  | 'S15';

/** One narrated line of a run: a step begins, or something worth showing happened. */
export interface Narration {
  scenario: ScenarioId;
  step: number | null;
  text: string;
  data?: unknown;
  at: number;
}

/** What a scenario gets: where the services are, their dev keys, and a narrator. Nothing else. */
export interface ScenarioContext {
  urls: ServiceUrls;
  /** Dev credentials by service, e.g. `{ payments: 'sk_test_hooklab', logistics: 'lg_test_hooklab' }`. */
  keys: Partial<Record<ServiceName, string>>;
  /** Extra knobs a runner may pass (e.g. `{ events: 20 }`); scenarios give defaults. */
  params: Record<string, string | number | boolean>;
  /** A fetch that carries traceparent and, in the console, records each exchange. */
  fetch: FetchLike;
  /** Narrates: the terminal prints it, the console shows it, tests collect it. */
  say(text: string, data?: unknown): void;
  /** Marks the start of step `index` (0-based, into `steps`). */
  step(index: number): void;
  signal?: AbortSignal;
}

/** A scenario: a client of the services over the network. It never imports an app. */
export interface Scenario<R = unknown> {
  id: ScenarioId;
  title: string;
  /** The story in a few sentences, for the walkthrough and the docs. */
  story: string;
  /** The services it needs running. */
  actors: ServiceName[];
  /** Human titles of the steps, in order. */
  steps: string[];
  /** Runs it; throws ScenarioFailure when an expectation of the story does not hold; returns the figures. */
  run(ctx: ScenarioContext): Promise<R>;
}

/** An expectation of a scenario's story that did not hold. */
export class ScenarioFailure extends Error {
  constructor(
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ScenarioFailure';
  }
}

/** Checks an expectation inside a scenario; the same check fails a test and a console run. */
export function check(condition: unknown, message: string, details?: unknown): asserts condition {
  if (!condition) throw new ScenarioFailure(message, details);
}

/** Identity helper that keeps the result type of a scenario. */
export function defineScenario<R>(s: Scenario<R>): Scenario<R> {
  return s;
}

/** Polls `probe` until it returns a truthy value or `timeoutMs` passes (used to wait for webhooks to land). */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  opts: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  for (;;) {
    const v = await probe();
    if (v) return v as T;
    if (Date.now() > deadline) throw new ScenarioFailure(`Timed out waiting for ${opts.what ?? 'condition'}`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 25));
  }
}

/** Builds a context with a collecting narrator, for tests and the terminal. */
export function createContext(
  init: Pick<ScenarioContext, 'urls'> &
    Partial<Omit<ScenarioContext, 'urls' | 'say' | 'step'>> & {
      onNarration?: (n: Narration) => void;
      scenario?: ScenarioId;
    },
): ScenarioContext & { narration: Narration[] } {
  const narration: Narration[] = [];
  let current: number | null = null;
  const scenario = init.scenario ?? 'S01';
  const push = (text: string, data?: unknown) => {
    const n: Narration = { scenario, step: current, text, data, at: Date.now() };
    narration.push(n);
    init.onNarration?.(n);
  };
  return {
    urls: init.urls,
    keys: init.keys ?? {},
    params: init.params ?? {},
    fetch: init.fetch ?? globalThis.fetch,
    signal: init.signal,
    narration,
    say: push,
    step(index) {
      current = index;
      push(`step ${index + 1}`);
    },
  };
}
