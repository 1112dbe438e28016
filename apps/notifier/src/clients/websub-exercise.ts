// Workshop exercise 09 (dev only, workshop/09-websub-subscriber): the attendee's three functions become the
// duties of the engine's WebSub subscriber (answering the hub's verification, checking X-Hub-Signature, timing
// renewal); the engine keeps the plumbing. Each hop they handle is marked 09 for the console.
import { EXERCISE_HEADER, exerciseModule, type Logger, markExercise } from '@hooklab/service';
import type { WebSubDuties, WebSubEvent, WebSubSubscriberOptions } from '@hooklab/webhooks';

/** The exports of workshop/09-websub-subscriber/problem/websub-subscriber.ts that the seam calls. */
export interface WebSubExercise {
  answerVerification(
    query: URLSearchParams,
    pending: { mode: 'subscribe' | 'unsubscribe'; topic: string }[],
    now: number,
  ): { status: number; body: string; lease?: { topic: string; expiresAt: number } };
  verifySignature(body: Uint8Array, header: string | undefined, secret: string): boolean;
  renewAt(verifiedAt: number, leaseSeconds: number): number;
}

/** Whether `pnpm dev --exercise 09` is on; the module itself is imported (exerciseModule) when first used. */
export const websubExerciseOn = (dev: boolean, env: Record<string, string | undefined> = process.env) =>
  dev && env.HOOKLAB_EXERCISE === '09' && Boolean(env.HOOKLAB_EXERCISE_MODULE);

/** A value the attendee returned, for an error message. */
export function show(v: unknown): string {
  let s: string | undefined;
  try {
    s = JSON.stringify(v);
  } catch {}
  s ??= String(v);
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}

/** Something the attendee returned that is not what the exercise asks for: said as it is, not as "threw". */
class Mistake extends Error {}

export type WebSubExerciseOptions = Pick<
  WebSubSubscriberOptions,
  'duties' | 'badSignature' | 'renewalHeaders' | 'onDutyError'
> & { onEvent(event: WebSubEvent): void };

/**
 * The engine subscriber's options that run the attendee's module, or undefined (exercise 09 off, or not in dev
 * mode). A bad signature is refused (403) rather than acknowledged, so a wrong verifier shows as red, retried
 * arrows; the renewal the attendee timed carries the exercise header; a function that throws, does not load or
 * answers nonsense is a plain-text 500 "exercise 09: …", logged.
 */
export function websubExercise(dev: boolean, logger?: Logger): WebSubExerciseOptions | undefined {
  if (!websubExerciseOn(dev)) return undefined;
  const attendee = async <K extends keyof WebSubExercise>(fn: K): Promise<WebSubExercise[K]> => {
    const m = await exerciseModule<WebSubExercise>('09', dev);
    if (typeof m?.[fn] !== 'function') throw new Error(`the module exports no function ${fn}`);
    return m[fn].bind(m) as WebSubExercise[K];
  };
  const duties: Required<WebSubDuties> = {
    async answerVerification(query, pending, now) {
      markExercise('09');
      const a = (await attendee('answerVerification'))(query, pending, now);
      if (!a || !Number.isInteger(a.status) || a.status < 200 || a.status > 599 || typeof a.body !== 'string')
        throw new Mistake(`exercise 09: answerVerification returned ${show(a)}: expected { status, body }`);
      return a;
    },
    async verifySignature(body, header, secret) {
      markExercise('09');
      const ok = (await attendee('verifySignature'))(body, header, secret);
      if (ok !== true) logger?.warn('exercise 09: verifySignature refused a delivery');
      return ok;
    },
    async renewAt(verifiedAt, leaseSeconds) {
      const at = (await attendee('renewAt'))(verifiedAt, leaseSeconds);
      if (!Number.isFinite(at))
        throw new Mistake(`exercise 09: renewAt returned ${show(at)}, not a time (epoch ms)`);
      return at;
    },
  };
  return {
    duties,
    badSignature: 'refuse',
    renewalHeaders: { [EXERCISE_HEADER]: '09' },
    onDutyError(duty, err) {
      const message =
        err instanceof Mistake
          ? err.message
          : `exercise 09: ${duty} threw: ${err instanceof Error ? err.message : String(err)}`;
      logger?.error(message);
      return message;
    },
    onEvent(e) {
      if (e.type === 'verification-unrequested')
        logger?.warn(
          { verification: e.detail },
          'exercise 09: you confirmed a verification this callback never asked for: anyone could subscribe it to anything',
        );
      else if (e.type === 'expired')
        logger?.warn(
          { topic: e.topic },
          'exercise 09: the lease ended before a renewal was verified: what the hub sent in between is lost',
        );
    },
  };
}
