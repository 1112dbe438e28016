import type { Scenario, ScenarioId } from './scenario.ts';

/** Every scenario that exists, by id. Each file in `./s*.ts` adds itself here. */
export const scenarios: Partial<Record<ScenarioId, Scenario>> = {};
