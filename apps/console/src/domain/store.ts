// Everything the console knows, and the one ordered log of changes the browsers follow: exchanges from
// every app, the apps' states, scenario runs and the switches people flipped.
import type { RecordedExchange } from './hops.ts';
import type { Switch } from './switches.ts';

export interface ServiceState {
  name: string;
  url: string;
  /** `up` and streaming its exchanges; `no-recorder` up but its recorder refused us; `down` unreachable. */
  status: 'unknown' | 'up' | 'down' | 'no-recorder';
  detail?: string;
  since: number;
}

export interface NarrationLine {
  step: number | null;
  text: string;
  at: number;
  data?: unknown;
}

export interface RunView {
  id: string;
  scenario: string;
  title: string;
  traceId: string;
  status: 'running' | 'passed' | 'failed';
  params: Record<string, string | number | boolean>;
  steps: string[];
  lines: NarrationLine[];
  startedAt: number;
  endedAt?: number;
  result?: unknown;
  error?: string;
}

export type ConsoleEvent =
  | { type: 'exchange'; exchange: RecordedExchange }
  | { type: 'service'; service: ServiceState }
  | { type: 'run'; run: RunView }
  | { type: 'switch'; switch: Switch };

export interface Snapshot {
  seq: number;
  services: ServiceState[];
  runs: RunView[];
  switches: Switch[];
  exchanges: RecordedExchange[];
}

export interface StoreLimits {
  maxExchanges: number;
  maxRuns: number;
  maxLog: number;
  /** Exchanges a new browser gets in its first snapshot. */
  snapshotExchanges: number;
}

const DEFAULT_LIMITS: StoreLimits = {
  maxExchanges: 20_000,
  maxRuns: 50,
  maxLog: 20_000,
  snapshotExchanges: 5000,
};

export class ConsoleStore {
  private readonly exchanges: RecordedExchange[] = [];
  private readonly ids = new Set<string>();
  private readonly services = new Map<string, ServiceState>();
  private readonly runs = new Map<string, RunView>();
  private readonly switches = new Map<string, Switch>();
  private log: { seq: number; event: ConsoleEvent }[] = [];
  private seq = 0;
  private readonly listeners = new Set<(seq: number, e: ConsoleEvent) => void>();
  private readonly limits: StoreLimits;

  constructor(limits: Partial<StoreLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  private emit(event: ConsoleEvent) {
    const seq = ++this.seq;
    this.log.push({ seq, event });
    if (this.log.length > this.limits.maxLog)
      this.log = this.log.slice(-Math.floor(this.limits.maxLog * 0.9));
    for (const l of this.listeners) {
      try {
        l(seq, event);
      } catch {
        // One broken browser stream must not stop the others.
      }
    }
  }

  /** Adds an exchange an app recorded; false when it is already known (a replay after a reconnect). */
  addExchange(e: RecordedExchange): boolean {
    const key = `${e.service}/${e.id}`;
    if (this.ids.has(key)) return false;
    this.ids.add(key);
    this.exchanges.push(e);
    if (this.exchanges.length > this.limits.maxExchanges) {
      for (const old of this.exchanges.splice(0, this.exchanges.length - this.limits.maxExchanges))
        this.ids.delete(`${old.service}/${old.id}`);
    }
    this.emit({ type: 'exchange', exchange: e });
    return true;
  }

  allExchanges(): readonly RecordedExchange[] {
    return this.exchanges;
  }

  /** Records a service's state; only changes are announced. */
  setService(s: Omit<ServiceState, 'since'>): void {
    const prev = this.services.get(s.name);
    if (prev && prev.status === s.status && prev.detail === s.detail) return;
    const next = { ...s, since: Date.now() };
    this.services.set(s.name, next);
    this.emit({ type: 'service', service: next });
  }

  service(name: string): ServiceState | undefined {
    return this.services.get(name);
  }

  allServices(): ServiceState[] {
    return [...this.services.values()];
  }

  putRun(run: RunView): void {
    this.runs.delete(run.id);
    this.runs.set(run.id, run);
    while (this.runs.size > this.limits.maxRuns) this.runs.delete(this.runs.keys().next().value!);
    this.emit({ type: 'run', run });
  }

  run(id: string): RunView | undefined {
    return this.runs.get(id);
  }

  /** The run whose calls carry this trace id, if one did. */
  runOfTrace(traceId: string): RunView | undefined {
    return [...this.runs.values()].find((r) => r.traceId === traceId);
  }

  putSwitch(sw: Switch): void {
    this.switches.delete(sw.id);
    this.switches.set(sw.id, sw);
    while (this.switches.size > 200) this.switches.delete(this.switches.keys().next().value!);
    this.emit({ type: 'switch', switch: sw });
  }

  /** The switch of this kind on this service that is still on, if any. */
  openSwitch(service: string, kind: Switch['kind']): Switch | undefined {
    return [...this.switches.values()].find(
      (s) => s.service === service && s.kind === kind && s.until === undefined,
    );
  }

  snapshot(): Snapshot {
    return {
      seq: this.seq,
      services: [...this.services.values()],
      runs: [...this.runs.values()],
      switches: [...this.switches.values()],
      exchanges: this.exchanges.slice(-this.limits.snapshotExchanges),
    };
  }

  /** The events after `seq`, or null when the log no longer reaches back that far (send a snapshot instead). */
  since(seq: number): { seq: number; event: ConsoleEvent }[] | null {
    if (seq > this.seq) return null;
    const first = this.log[0];
    if (seq < this.seq && (!first || first.seq > seq + 1)) return null;
    return this.log.filter((x) => x.seq > seq);
  }

  subscribe(listener: (seq: number, e: ConsoleEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
