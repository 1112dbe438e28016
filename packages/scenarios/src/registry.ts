import { s01 } from './s01-api-crud.ts';
import { s02 } from './s02-polling-vs-webhook.ts';
import { s03 } from './s03-register-callback.ts';
import { s04 } from './s04-order-fulfilment.ts';
import { s05 } from './s05-async-request-reply.ts';
import { s06 } from './s06-third-party.ts';
import { s07 } from './s07-claim-check.ts';
import { s08 } from './s08-non-http.ts';
import { s09 } from './s09-delivery-guarantees.ts';
import { s10 } from './s10-websub.ts';
import { s11 } from './s11-stock-prices.ts';
import { s12 } from './s12-hashtags.ts';
import { s13 } from './s13-chat.ts';
import { s14 } from './s14-whole-shop.ts';
import { s15 } from './s15-rights-and-trust.ts';
import type { Scenario, ScenarioId } from './scenario.ts';

/** Every scenario that exists, by id. */
export const scenarios: Partial<Record<ScenarioId, Scenario>> = {
  S01: s01 as Scenario,
  S02: s02 as Scenario,
  S03: s03 as Scenario,
  S04: s04 as Scenario,
  S05: s05 as Scenario,
  S06: s06 as Scenario,
  S07: s07 as Scenario,
  S08: s08 as Scenario,
  S09: s09 as Scenario,
  S10: s10 as Scenario,
  S11: s11 as Scenario,
  S12: s12 as Scenario,
  S13: s13 as Scenario,
  S14: s14 as Scenario,
  S15: s15 as Scenario,
};
