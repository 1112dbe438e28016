import { newTrace, type TraceContext, withTrace } from '@hooklab/service';
import { createContext, type Narration, type Scenario, type ScenarioContext } from './scenario.ts';

export interface RunInit
  extends Pick<ScenarioContext, 'urls'>,
    Partial<Omit<ScenarioContext, 'urls' | 'say' | 'step'>> {
  /** Called for every narrated line as it happens (a step starting, or something worth showing). */
  onNarration?: (n: Narration) => void;
  /** The trace the run's calls carry; a new root trace by default. */
  trace?: TraceContext;
}

export type ScenarioRun<R> = {
  traceId: string;
  narration: Narration[];
  durationMs: number;
} & ({ ok: true; result: R } | { ok: false; error: Error });

/**
 * Runs one scenario inside a trace of its own, so every call it makes (and every webhook those calls
 * cause) shares one trace id. Never throws for a failed run: the error comes back with the narration.
 */
export async function runScenario<R>(scenario: Scenario<R>, init: RunInit): Promise<ScenarioRun<R>> {
  const trace = init.trace ?? newTrace();
  const ctx = createContext({ ...init, scenario: scenario.id });
  const started = Date.now();
  const base = () => ({ traceId: trace.traceId, narration: ctx.narration, durationMs: Date.now() - started });
  try {
    const result = await withTrace(trace, () => scenario.run(ctx));
    return { ...base(), ok: true, result };
  } catch (err) {
    return { ...base(), ok: false, error: err instanceof Error ? err : new Error(String(err)) };
  }
}
