import { s09 } from './s09-delivery-guarantees.ts';
import type { Scenario, ScenarioId } from './scenario.ts';

/** Every scenario that exists, by id. */
export const scenarios: Partial<Record<ScenarioId, Scenario>> = {
  S09: s09 as Scenario,
};
