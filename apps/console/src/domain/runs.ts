// Runs a scenario from the console: the same definition the tests and `pnpm walkthrough` run, in a trace
// of its own, with every narrated line published as it happens.
import {
  parseScenarioParams,
  runScenario,
  type Scenario,
  type ScenarioId,
  scenarioCatalog,
  scenarios,
} from '@hooklab/scenarios';
import {
  ApiError,
  type FetchLike,
  newId,
  newTrace,
  type ServiceName,
  type ServiceUrls,
} from '@hooklab/service';
import type { ConsoleStore, RunView } from './store.ts';

export interface RunnerDeps {
  store: ConsoleStore;
  urls: ServiceUrls;
  keys: Partial<Record<ServiceName, string>>;
  /** The console's traced, recording fetch: the scenario's calls show in the diagram as the console's. */
  fetch: FetchLike;
  /** The scenario definitions (tests pass their own). */
  registry?: Partial<Record<ScenarioId, Scenario>>;
}

// Narration data goes to every browser: keep it to what a person reads.
// A narrated line's data is a glance; a run's result is what the page draws (S15's table runs to ~10 KB).
const LINE_DATA_MAX = 4000;
export const RESULT_MAX = 64_000;
const trim = (data: unknown, max = LINE_DATA_MAX): unknown => {
  if (data === undefined) return undefined;
  const text = JSON.stringify(data);
  return text.length > max ? `${text.slice(0, max)}…` : data;
};

export function createRunner(deps: RunnerDeps) {
  const registry = deps.registry ?? scenarios;
  const running = new Set<Promise<unknown>>();

  return {
    /** Starts a run and answers at once; its progress arrives through the store. */
    start(id: string, rawParams: Record<string, unknown>): RunView {
      const info = scenarioCatalog().find((s) => s.id === id);
      if (!info)
        throw new ApiError({
          status: 404,
          code: 'unknown_scenario',
          message: `No scenario ${id}`,
          param: 'scenario',
        });
      const scenario = registry[info.id];
      if (!scenario)
        throw new ApiError({
          status: 409,
          code: 'scenario_not_built',
          message: `${id} (${info.title}) belongs to a later milestone and cannot run yet`,
          param: 'scenario',
        });
      const parsed = parseScenarioParams(info.id, rawParams);
      if (!parsed.ok)
        throw new ApiError({
          status: 400,
          code: 'invalid_params',
          message: parsed.issues.join('; '),
          param: 'params',
          extra: { issues: parsed.issues },
        });
      const trace = newTrace();
      const run: RunView = {
        id: newId('run'),
        scenario: info.id,
        title: info.title,
        traceId: trace.traceId,
        status: 'running',
        params: parsed.params,
        steps: scenario.steps,
        lines: [],
        startedAt: Date.now(),
      };
      deps.store.putRun(run);
      const p = runScenario(scenario, {
        urls: deps.urls,
        keys: deps.keys,
        params: parsed.params,
        fetch: deps.fetch,
        trace,
        onNarration: (n) => {
          run.lines.push({ step: n.step, text: n.text, at: n.at, data: trim(n.data) });
          deps.store.putRun(run);
        },
      }).then((outcome) => {
        run.endedAt = Date.now();
        if (outcome.ok) {
          run.status = 'passed';
          run.result = trim(outcome.result, RESULT_MAX);
        } else {
          run.status = 'failed';
          // A scenario's own failure says what did not hold; anything else is shown by name only.
          run.error =
            outcome.error.name === 'ScenarioFailure' || outcome.error.name === 'TypeError'
              ? outcome.error.message
              : `${outcome.error.name}: ${outcome.error.message}`;
        }
        deps.store.putRun(run);
      });
      running.add(p);
      void p.finally(() => running.delete(p));
      return run;
    },

    /** Waits for the runs in progress (shutdown). */
    async settle(): Promise<void> {
      await Promise.allSettled([...running]);
    },
  };
}

export type Runner = ReturnType<typeof createRunner>;
