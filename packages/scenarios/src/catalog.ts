import type { ServiceName } from '@hooklab/service';
import { z } from 'zod';
import { scenarios } from './registry.ts';
import type { ScenarioId } from './scenario.ts';

/** One knob a runner may pass in `ctx.params`, as the scenario reads it (name, type, default). */
export interface ScenarioParam {
  name: string;
  label: string;
  type: 'string' | 'number' | 'boolean' | 'url';
  default?: string | number | boolean;
  required?: boolean;
  min?: number;
  max?: number;
  help?: string;
}

/** What a runner shows about a scenario, built or not: the console's list, the walkthrough's help. */
export interface ScenarioInfo {
  id: ScenarioId;
  title: string;
  story: string;
  actors: ServiceName[];
  steps: string[];
  /** False for scenarios of later milestones: listed with their story, not runnable yet. */
  built: boolean;
  params: ScenarioParam[];
  /** The scenario's page in the repository, when it has one. */
  doc?: string;
}

export const SCENARIO_IDS: readonly ScenarioId[] = [
  'S01',
  'S02',
  'S03',
  'S04',
  'S05',
  'S06',
  'S07',
  'S08',
  'S09',
  'S10',
  'S11',
  'S12',
  'S13',
  'S14',
  'S15',
];

// The scenarios of later milestones, in the words of the design's SCENARIOS.md.
const PLANNED: Partial<Record<ScenarioId, Pick<ScenarioInfo, 'title' | 'story' | 'actors'>>> = {
  S08: {
    title: 'Callbacks that are not HTTP',
    story:
      'A callback target can be an e-mail address (mailto:), an event queue (queue:NAME, competing consumers) ' +
      'or an event topic (topic:NAME, every subscriber gets every message). The same event reaches each kind ' +
      'of target, and each arrival is visible.',
    actors: ['logistics', 'mailbox'],
  },
  S10: {
    title: 'WebSub: publisher, hub, subscriber',
    story:
      'The subscriber discovers the hub from the topic’s Link headers, subscribes with a form POST (202), the ' +
      'hub verifies intent with a challenge, the publisher pings the hub on new content, and the hub ' +
      'delivers it to each callback, signed with X-Hub-Signature.',
    actors: ['ticker', 'hub', 'notifier'],
  },
  S11: {
    title: 'Continuous updates: stock prices',
    story:
      'Prices change continuously; subscribers are pushed every change through the hub and alerts fire when ' +
      'a threshold is crossed. A polling client watches the same symbols: requests made, wasted, and ' +
      'staleness are counted for both.',
    actors: ['ticker', 'hub'],
  },
  S12: {
    title: 'Hashtag posts → Slack',
    story:
      'The notifier registers a webhook with the social service (a challenge–response check proves it owns ' +
      'the URL) and a rule for #dresses. Each matching post is delivered, signed, and posted into a Slack ' +
      'channel. A poller of the search API runs beside it, with its request count.',
    actors: ['social', 'notifier', 'slack'],
  },
  S13: {
    title: 'Chat: API to send, webhook to receive',
    story:
      'Sending is an API call (chat.postMessage). Receiving is a webhook: Slack delivers message events to ' +
      'the subscribed app, which can answer, e.g. “order ORD-1042?” → the notifier asks the shop’s API and ' +
      'replies in the thread.',
    actors: ['slack', 'notifier', 'shop'],
  },
  S14: {
    title: 'The whole shop, end to end',
    story:
      'A customer buys a dress: checkout session → hosted payment page → payment_intent.succeeded → order ' +
      'paid → logistics → fulfilled → tracking → delivered, with a Slack message at each step and an e-mail ' +
      'to the customer. One trace links every hop.',
    actors: ['shop', 'payments', 'logistics', 'slack', 'notifier', 'mailbox'],
  },
  S15: {
    title: 'Rights and trust on both sides',
    story:
      'API side: keys, scopes, per-tenant data, rate limits (429 with Retry-After). Webhook side: receivers ' +
      'verify signatures on the raw body, refuse stale timestamps and replays, and rotate secrets with an ' +
      'overlap; providers refuse callback URLs that point at internal addresses.',
    actors: ['payments', 'logistics', 'shop', 'slack', 'notifier', 'hub', 'ticker', 'social'],
  },
};

const timeout = (ms: number): ScenarioParam => ({
  name: 'timeout_ms',
  label: 'Give up after (ms)',
  type: 'number',
  default: ms,
  min: 1000,
  max: 600_000,
});

// The knobs each built scenario reads from ctx.params (keys for real providers left out: runners pass those).
const PARAMS: Partial<Record<ScenarioId, ScenarioParam[]>> = {
  S02: [
    {
      name: 'payment_method',
      label: 'Payment method',
      type: 'string',
      default: 'pm_usBankAccount_success',
      help: 'a method that stays processing for a while, so polling has something to wait for',
    },
    timeout(30_000),
  ],
  S04: [
    { name: 'sku', label: 'Dress (SKU)', type: 'string', default: 'DR-001' },
    {
      name: 'skip_out_of_stock',
      label: 'Skip the out-of-stock order',
      type: 'boolean',
      default: false,
    },
    timeout(60_000),
  ],
  S07: [
    {
      name: 'manifest_bytes',
      label: 'Manifest size (bytes)',
      type: 'number',
      default: 5 * 1024 * 1024,
      min: 1024,
      max: 64 * 1024 * 1024,
    },
  ],
  S15: [
    {
      name: 'burst',
      label: 'Burst size for the rate limits',
      type: 'number',
      default: 250,
      min: 10,
      max: 2000,
      help: 'requests sent at once with one key; more than the per-second limit (and Slack’s tier 2 per window)',
    },
  ],
  S08: [
    {
      name: 'shipments_per_target',
      label: 'Shipments per target',
      type: 'number',
      default: 2,
      min: 1,
      max: 50,
      help: 'each shipment sends shipment.fulfilled, tracking.updated and shipment.delivered',
    },
    {
      name: 'consumer_crash_before_ack',
      label: 'A queue consumer crashes before its ack',
      type: 'boolean',
      default: false,
      help: 'arms the console’s crash switch for this run: the next consumer to take a message dies without acking it; the other gets it after the visibility timeout',
    },
    {
      name: 'broker_down_ms',
      label: 'Topic broker down for (ms)',
      type: 'number',
      default: 0,
      min: 0,
      max: 20_000,
      help: 'the console’s broker-down switch, on before the topic: shipments and back up after this long: their attempts fail and are retried; 0 = off',
    },
    timeout(30_000),
  ],
  S09: [
    { name: 'events', label: 'Events per mode', type: 'number', default: 20, min: 1, max: 10_000 },
    {
      name: 'sender_url',
      label: 'Sender URL',
      type: 'url',
      required: true,
      help: 'S09 runs against its own small sender and receiver (tests/src/s09), not the apps',
    },
    { name: 'receiver_url', label: 'Receiver URL', type: 'url', required: true },
  ],
  S10: [
    { name: 'symbol', label: 'Symbol', type: 'string', default: 'ACME' },
    {
      name: 'lease_seconds',
      label: 'Lease asked for (s)',
      type: 'number',
      default: 5,
      min: 1,
      max: 3600,
      help: 'short, so the renewal happens while you watch (the hub clamps it to its minimum)',
    },
    timeout(30_000),
  ],
  S11: [
    { name: 'symbols', label: 'Symbols (comma-separated)', type: 'string', default: 'ACME,GLOBEX' },
    {
      name: 'poll_intervals_ms',
      label: 'Polling intervals (ms, comma-separated)',
      type: 'string',
      default: '1000',
      help: 'one poller per interval, all on the same prices',
    },
    { name: 'duration_ms', label: 'Measure for (ms)', type: 'number', default: 5000, min: 500, max: 600_000 },
    {
      name: 'threshold_bps',
      label: 'Alert band (basis points)',
      type: 'number',
      default: 30,
      min: 1,
      max: 5000,
      help: 'an alert fires when a price leaves start ± this band (30 = 0.30 %)',
    },
    timeout(30_000),
  ],
  S13: [{ name: 'sku', label: 'Dress (SKU)', type: 'string', default: 'DR-001' }, timeout(30_000)],
  S14: [
    { name: 'sku', label: 'Dress (SKU)', type: 'string', default: 'DR-001' },
    {
      name: 'pick_list_queue',
      label: 'Pick-list queue',
      type: 'string',
      default: 'warehouse-picking',
      help: 'the queue logistics puts pick lists on (its LOGISTICS_PICK_LIST_QUEUE)',
    },
    timeout(60_000),
  ],
  S12: [
    { name: 'posts', label: '#dresses posts after the first', type: 'number', default: 5, min: 1, max: 200 },
    {
      name: 'poll_interval_ms',
      label: 'Poller interval (ms)',
      type: 'number',
      default: 1000,
      min: 100,
      max: 60_000,
    },
    {
      name: 'post_interval_ms',
      label: 'Time between posts (ms)',
      type: 'number',
      default: 400,
      min: 0,
      max: 60_000,
    },
  ],
};

const DOCS: Partial<Record<ScenarioId, string>> = {
  S01: 'docs/scenarios/S01-api-crud.md',
  S02: 'docs/scenarios/S02-polling-vs-webhook.md',
  S03: 'docs/scenarios/S03-register-callback.md',
  S04: 'docs/scenarios/S04-order-fulfilment.md',
  S05: 'docs/scenarios/S05-async-request-reply.md',
  S06: 'docs/scenarios/S06-third-party.md',
  S07: 'docs/scenarios/S07-claim-check.md',
  S08: 'docs/scenarios/S08-non-http.md',
  S09: 'docs/scenarios/S09-delivery-guarantees.md',
  S10: 'docs/scenarios/S10-websub.md',
  S11: 'docs/scenarios/S11-stock-prices.md',
  S12: 'docs/scenarios/S12-hashtags.md',
  S13: 'docs/scenarios/S13-chat.md',
  S14: 'docs/scenarios/S14-whole-shop.md',
  S15: 'docs/scenarios/S15-rights-and-trust.md',
};

/** S01–S15 in order: the built ones from their definitions, the others from the design, flagged unbuilt. */
export function scenarioCatalog(): ScenarioInfo[] {
  return SCENARIO_IDS.map((id) => {
    const built = scenarios[id];
    const base = built
      ? { title: built.title, story: built.story, actors: built.actors, steps: built.steps }
      : { ...(PLANNED[id] ?? { title: id, story: '', actors: [] }), steps: [] };
    return {
      id,
      ...base,
      built: Boolean(built),
      params: PARAMS[id] ?? [],
      ...(DOCS[id] ? { doc: DOCS[id] } : {}),
    };
  });
}

function paramSchema(p: ScenarioParam): z.ZodType {
  switch (p.type) {
    case 'number': {
      let n = z.coerce.number().int();
      if (p.min !== undefined) n = n.min(p.min);
      if (p.max !== undefined) n = n.max(p.max);
      return n;
    }
    case 'boolean':
      return z.union([
        z.boolean(),
        z.enum(['true', 'false', 'on', '1', '0']).transform((v) => ['true', 'on', '1'].includes(v)),
      ]);
    case 'url':
      return z.url({ protocol: /^https?$/ });
    default:
      return z.string().min(1).max(200);
  }
}

/** Checks a runner's parameters against a scenario's knobs: known names, right types, required ones given. */
export function parseScenarioParams(
  id: ScenarioId,
  raw: Record<string, unknown>,
): { ok: true; params: Record<string, string | number | boolean> } | { ok: false; issues: string[] } {
  const known = PARAMS[id] ?? [];
  const shape: Record<string, z.ZodType> = {};
  for (const p of known) {
    const s = paramSchema(p);
    shape[p.name] = p.required ? s : s.optional();
  }
  // Empty form fields mean "use the default".
  const given = Object.fromEntries(
    Object.entries(raw).filter(([, v]) => v !== '' && v !== undefined && v !== null),
  );
  const result = z.strictObject(shape).safeParse(given);
  if (!result.success)
    return {
      ok: false,
      issues: result.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`),
    };
  return { ok: true, params: result.data as Record<string, string | number | boolean> };
}
