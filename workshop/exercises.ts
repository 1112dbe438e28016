// The workshop's exercises, in order: where each one's code lives, its guiding checks, the seam it plugs
// into in the running stack, and the first lesson its untouched problem/ must teach (CI asserts it).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CheckResult, Checks } from './kit/check.ts';
import { runChecks } from './kit/check.ts';

export const WORKSHOP_DIR = fileURLToPath(new URL('.', import.meta.url));

export interface Seam {
  /** The app whose code calls the attendee's module under `pnpm dev --exercise NN`. */
  app: string;
  /** Where, in one line (shown by `pnpm workshop`). */
  where: string;
}

export interface Exercise {
  id: string;
  slug: string;
  title: string;
  /** The file the attendee edits, the same name in problem/ and solution/. */
  module: string;
  /** The start of the message of the first check the untouched problem/ fails. */
  firstLesson: string;
  seam?: Seam;
  suite: () => Promise<Checks<unknown, unknown>>;
  /** `pnpm workshop run NN`: the attendee's code against the running stack (exercises without an app seam). */
  live?: () => Promise<(impl: never) => Promise<{ result: unknown; summary: string }>>;
}

const suiteOf = (load: () => Promise<{ suite: unknown }>) => async () =>
  (await load()).suite as Checks<unknown, unknown>;

export const EXERCISES: Exercise[] = [
  {
    id: '01',
    slug: '01-call-an-api',
    title: 'Call an API: create and confirm a PaymentIntent with fetch',
    module: 'payments-client.ts',
    firstLesson: 'with a wrong secret key the API answered 401, but you returned ok: true',
    suite: suiteOf(() => import('./01-call-an-api/checks.ts')),
  },
  {
    id: '02',
    slug: '02-polling-vs-webhook',
    title: 'Polling vs a webhook: the poller, then the receiver',
    module: 'status-watch.ts',
    firstLesson: "your poller returned after 1 poll(s) while the PaymentIntent was still 'processing'",
    seam: { app: 'shop', where: 'the poller of an order confirmed by polling (S02): pollUntilFinal' },
    suite: suiteOf(() => import('./02-polling-vs-webhook/checks.ts')),
  },
  {
    id: '03',
    slug: '03-verify-a-signature',
    title: 'Verify a Stripe signature by hand',
    module: 'verify-signature.ts',
    firstLesson:
      'the signature you computed does not match: did you sign `timestamp.body` with the raw bytes?',
    seam: { app: 'shop', where: 'POST /webhooks/stripe: the Stripe-Signature check' },
    suite: suiteOf(() => import('./03-verify-a-signature/checks.ts')),
  },
  {
    id: '04',
    slug: '04-idempotent-receiver',
    title: 'An idempotent receiver: three deliveries, one effect',
    module: 'idempotent-receiver.ts',
    firstLesson: 'the same event arrived 3 times and your effect ran 3 times',
    seam: { app: 'shop', where: "POST /webhooks/stripe: the inbox's dedupe" },
    suite: suiteOf(() => import('./04-idempotent-receiver/checks.ts')),
  },
  {
    id: '05',
    slug: '05-async-request-reply',
    title: 'Asynchronous request–reply: 202 → Location → Retry-After → 303',
    module: 'follow-202.ts',
    firstLesson: `you returned the 202's body`,
    seam: { app: 'logistics', where: '`pnpm workshop run 05`: your client asks logistics for a quote' },
    suite: suiteOf(() => import('./05-async-request-reply/checks.ts')),
    live: async () => (await import('./05-async-request-reply/live.ts')).live,
  },
  {
    id: '06',
    slug: '06-transactional-outbox',
    title: 'The outbox: order.created in the same transaction as the order',
    module: 'place-order.ts',
    firstLesson: 'the order ord_1 committed but its order.created is nowhere',
    suite: suiteOf(() => import('./06-transactional-outbox/checks.ts')),
  },
  {
    id: '07',
    slug: '07-retry-policy',
    title: 'A retry policy: backoff, bounded jitter, Retry-After, give up',
    module: 'retry-policy.ts',
    firstLesson: 'after failures 1, 2, 3, 4 the waits double',
    seam: { app: 'payments', where: "the delivery engine's retry decision for Stripe events" },
    suite: suiteOf(() => import('./07-retry-policy/checks.ts')),
  },
  {
    id: '08',
    slug: '08-refuse-internal-urls',
    title: 'Refuse internal callback URLs (SSRF), however spelt',
    module: 'callback-url.ts',
    firstLesson: 'http://0x7f.0.0.1/ was accepted: it is 127.0.0.1 spelled in hex',
    seam: {
      app: 'logistics',
      where: 'callback_url / notify_url of a registration (shipments, quotes, manifests)',
    },
    suite: suiteOf(() => import('./08-refuse-internal-urls/checks.ts')),
  },
  {
    id: '09',
    slug: '09-websub-subscriber',
    title: 'A WebSub subscriber: verify, check X-Hub-Signature, renew',
    module: 'websub-subscriber.ts',
    firstLesson: 'a verification for a topic you never asked for was confirmed',
    seam: {
      app: 'notifier',
      where: "the #markets WebSub subscriber: the hub's verification, X-Hub-Signature, renewal",
    },
    suite: suiteOf(() => import('./09-websub-subscriber/checks.ts')),
  },
  {
    id: '10',
    slug: '10-slack-bot',
    title: 'A Slack bot: "order ord_…?" answered within the ack window',
    module: 'order-bot.ts',
    firstLesson: 'you waited for the shop before acknowledging',
    seam: { app: 'notifier', where: 'the `/order` slash command: the ack and the response_url answer' },
    suite: suiteOf(() => import('./10-slack-bot/checks.ts')),
  },
];

export function exerciseOf(id: string): Exercise | undefined {
  const n = id.replace(/^0*/, '');
  return EXERCISES.find((e) => e.id.replace(/^0*/, '') === n || e.slug === id);
}

export type Side = 'problem' | 'solution';

export function modulePath(ex: Exercise, side: Side): string {
  return join(WORKSHOP_DIR, ex.slug, side, ex.module);
}

/** Imports one side's module (fresh enough for a CLI run; tests import each file once). */
export async function loadImpl(ex: Exercise, side: Side): Promise<unknown> {
  return import(pathToFileURL(modulePath(ex, side)).href);
}

/** Runs an exercise's checks against problem/ or solution/. */
export async function testExercise(ex: Exercise, side: Side): Promise<CheckResult[]> {
  const [suite, impl] = await Promise.all([ex.suite(), loadImpl(ex, side)]);
  return runChecks(suite, impl, { source: readFileSync(modulePath(ex, side), 'utf8') });
}
