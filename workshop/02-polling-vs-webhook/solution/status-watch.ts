// Exercise 02 (reference): learn that a payment finished, by polling and by a webhook.

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
  let status = '';
  for (let polls = 1; polls <= opts.maxPolls; polls++) {
    status = await getStatus();
    if ((FINAL_STATUSES as readonly string[]).includes(status)) return { status, polls, gaveUp: false };
    if (polls < opts.maxPolls) await sleep(opts.intervalMs);
  }
  return { status, polls: opts.maxPolls, gaveUp: true };
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
  return async (req) => {
    if (req.method !== 'POST') return new Response(null, { status: 405, headers: { allow: 'POST' } });
    let event: WebhookEvent;
    try {
      event = await req.json();
    } catch {
      return Response.json({ error: 'the body is not JSON' }, { status: 400 });
    }
    if (typeof event?.id !== 'string' || typeof event?.type !== 'string')
      return Response.json({ error: 'not an event: id and type are required' }, { status: 400 });
    onEvent(event);
    return Response.json({ received: true });
  };
}
