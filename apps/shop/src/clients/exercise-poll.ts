// Workshop exercise 02 (dev only, workshop/02-polling-vs-webhook): the attendee's pollUntilFinal decides how
// often the shop asks about a polling order's PaymentIntent (S02), and when it stops asking.
import { exerciseModule, type Logger } from '@hooklab/service';

export interface PollResult {
  status: string;
  polls: number;
  gaveUp: boolean;
}

/** The export of workshop/02-polling-vs-webhook/problem/status-watch.ts that the seam calls. */
export interface PollExercise {
  pollUntilFinal(
    getStatus: () => Promise<string>,
    opts: { intervalMs: number; maxPolls: number; sleep: (ms: number) => Promise<void> },
  ): Promise<PollResult>;
}

const FINAL = new Set(['succeeded', 'canceled', 'requires_payment_method']);

/** The attendee's module under `pnpm dev --exercise 02` (dev mode only), else undefined: the shop's own loop. */
export async function exercisePoller(dev: boolean): Promise<PollExercise | 'unloadable' | undefined> {
  try {
    return await exerciseModule<PollExercise>('02', dev);
  } catch {
    return 'unloadable';
  }
}

/**
 * The status the attendee's poller is told. A PaymentIntent nobody has tried to pay yet is
 * `requires_payment_method` with no error; the exercise reads that status as "failed, final", so it is told
 * `requires_confirmation` (waiting for the customer) and keeps asking, as the shop's own loop does.
 */
export const statusForExercise = (status: string, failedBefore: boolean) =>
  status === 'requires_payment_method' && !failedBefore ? 'requires_confirmation' : status;

/**
 * Runs the attendee's pollUntilFinal over the shop's own GET (counted and applied by `getStatus`). Whatever it
 * does, the shop keeps running: a throw or an early return is logged as "exercise 02: …".
 */
export async function pollThroughExercise(
  mod: PollExercise | 'unloadable',
  opts: {
    orderId: string;
    getStatus: () => Promise<string>;
    intervalMs: number;
    maxPolls: number;
    sleep: (ms: number) => Promise<void>;
    stopped: () => boolean;
    lastStatus: () => string | undefined;
    logger?: Logger | undefined;
  },
): Promise<void> {
  const { orderId, logger } = opts;
  if (mod === 'unloadable' || typeof mod.pollUntilFinal !== 'function') {
    logger?.error({ orderId }, 'exercise 02: your module did not load or exports no function pollUntilFinal');
    return;
  }
  try {
    const r = await mod.pollUntilFinal(opts.getStatus, {
      intervalMs: opts.intervalMs,
      maxPolls: opts.maxPolls,
      sleep: opts.sleep,
    });
    const status = opts.lastStatus();
    if (opts.stopped()) return;
    if (r?.gaveUp)
      logger?.warn({ orderId, polls: r.polls }, `exercise 02: pollUntilFinal gave up (${status})`);
    else if (!status || !FINAL.has(status))
      logger?.warn(
        { orderId, polls: r?.polls },
        `exercise 02: pollUntilFinal returned while the PaymentIntent is '${status}': nobody asks again, the order stays unpaid`,
      );
  } catch (err) {
    if (!opts.stopped())
      logger?.error(
        { orderId },
        `exercise 02: pollUntilFinal threw: ${err instanceof Error ? err.message : String(err)}`,
      );
  }
}
