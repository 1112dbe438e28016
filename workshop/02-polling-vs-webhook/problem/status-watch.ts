// Exercise 02: learn that a payment finished, by polling and by a webhook. Run `pnpm workshop test 02`.
import { todo } from '../../kit/check.ts';

/** Statuses after which a PaymentIntent does not move by itself. */
export const FINAL_STATUSES = ['succeeded', 'canceled', 'requires_payment_method'] as const;

export interface PollOptions {
  intervalMs: number;
  maxPolls: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface PollResult {
  status: string;
  polls: number;
  /** True when maxPolls ran out before a final status. */
  gaveUp: boolean;
}

const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Asks `getStatus` until it answers a final status, waiting `intervalMs` between asks, at most `maxPolls` times. */
export async function pollUntilFinal(
  getStatus: () => Promise<string>,
  opts: PollOptions,
): Promise<PollResult> {
  const sleep = opts.sleep ?? wait;
  void sleep;
  // TODO: one look is not enough: ask again (after opts.intervalMs) until the status is in FINAL_STATUSES,
  // and stop after opts.maxPolls asks with gaveUp: true.
  const status = await getStatus();
  return { status, polls: 1, gaveUp: false };
}

export interface WebhookEvent {
  id: string;
  type: string;
  data: { object: Record<string, unknown> };
}

/**
 * A webhook endpoint as a fetch handler: POST with a JSON event → `onEvent`, then 200 at once.
 * (No signature yet: that is exercise 03.)
 */
export function webhookReceiver(onEvent: (event: WebhookEvent) => void): (req: Request) => Promise<Response> {
  // TODO: 405 for anything but POST, 400 for a body that is not a JSON event, else onEvent(event) and 200.
  void onEvent;
  return async () => todo('webhookReceiver: answer the POST');
}
