// Faults a person can cause, through a dev-only control API every app gets from the kit: its webhook
// receiver goes down, slow, failing, drops connections or answers 410; its senders pause and resume; its
// process's topic broker goes down, its queue consumers crash before their ack.
import type { IncomingMessage } from 'node:http';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { type DevSurfaceConfig, devAccessError, devAccessOf } from './dev-surface.ts';
import { ApiError, type NormalizedError, normalizeError, problemResponse } from './errors.ts';
import type { ExchangeRecorder } from './exchanges.ts';

export const RECEIVER_FAULTS = ['none', 'down', 'slow', 'failing', 'drop', 'gone'] as const;
export type ReceiverFaultMode = (typeof RECEIVER_FAULTS)[number];

/** What the app's webhook-receiving routes do right now. */
export interface ReceiverFault {
  mode: ReceiverFaultMode;
  /** `slow`: how long each delivery waits before the handler runs. */
  delayMs?: number;
  /** `failing`: the status every delivery gets (5xx by default). */
  status?: number;
}

/** A sender the app registers (its outbox dispatcher), so a person can pause and resume it. */
export interface SenderHook {
  name: string;
  pause(): Promise<void> | void;
  resume(): Promise<void> | void;
  isPaused(): boolean;
  /** Figures shown beside the switch, e.g. how many messages wait in the outbox. */
  stats?(): Record<string, number> | Promise<Record<string, number>>;
}

/** How a recorded exchange says whether the receiver verified the signature it came with. */
export interface SignatureNote {
  verified: boolean;
  scheme?: string;
  reason?: string;
}

/** Fields the kit adds to a recorded exchange beyond what was on the wire. */
export interface ExchangeNotes {
  /** Webhook deliveries: which attempt this was (1 = first). */
  attempt?: number;
  /** Senders' records: what the dispatcher made of the attempt. */
  outcome?: 'delivered' | 'retry' | 'dead' | 'failed' | 'dropped';
  nextAttemptAt?: number | null;
  signature?: SignatureNote;
  /** The injected fault that shaped this exchange, if any. */
  fault?: ReceiverFaultMode;
  /** Senders' records: the workshop exercise whose code decided this attempt's fate (the retry policy). */
  exercise?: string;
}

const SIGNATURE_NOTE = 'hooklabSignature';
const FAULT_NOTE = 'hooklabFault';

/** A receiver that verified (or refused) a signature by hand says so here; the recorder notes it. */
export function noteSignature(c: Context, note: SignatureNote): void {
  c.set(SIGNATURE_NOTE as never, note as never);
}

/** The notes the recorder adds to an inbound exchange: signature verification, fault, attempt. */
export function exchangeNotes(c: Context): ExchangeNotes & { status?: number | null; error?: string } {
  const out: ExchangeNotes & { status?: number | null; error?: string } = {};
  const attempt = Number(c.req.header('x-hooklab-attempt') ?? c.req.header('x-slack-retry-num'));
  if (Number.isInteger(attempt) && attempt > 0)
    out.attempt = c.req.header('x-slack-retry-num') ? attempt + 1 : attempt;
  const noted = c.get(SIGNATURE_NOTE as never) as SignatureNote | undefined;
  // verifyWebhook (@hooklab/webhooks) sets `webhook` only once the signature has verified.
  const verified = c.get('webhook' as never) as { scheme?: string } | undefined;
  if (noted) out.signature = noted;
  else if (verified && typeof verified === 'object')
    out.signature = {
      verified: true,
      scheme: verified.scheme,
      reason: 'verified by the receiver middleware',
    };
  const fault = c.get(FAULT_NOTE as never) as
    | { mode: ReceiverFaultMode; status?: number | null; error?: string }
    | undefined;
  if (fault) {
    out.fault = fault.mode;
    if (fault.status !== undefined) out.status = fault.status;
    if (fault.error) out.error = fault.error;
  }
  return out;
}

const WEBHOOK_HEADERS = [
  'webhook-id',
  'stripe-signature',
  'x-slack-signature',
  'x-hub-signature',
  'x-hub-signature-256',
  'x-twitter-webhooks-signature',
  'x-hooklab-event-id',
];

/** True for a request that is a webhook delivery (it carries a delivery or signature header). */
export function isWebhookDelivery(headers: Headers): boolean {
  return WEBHOOK_HEADERS.some((h) => headers.has(h));
}

/** One app's switches: the fault on its receiving routes and its registered senders. */
export class ServiceControl {
  private fault: ReceiverFault & { since: number; affected: number } = {
    mode: 'none',
    since: Date.now(),
    affected: 0,
  };
  private readonly senders = new Map<string, SenderHook & { since: number }>();

  constructor(readonly service: string) {}

  /** Registers a sender (several per app are fine: one per dispatcher); returns an unregister function. */
  registerSender(hook: SenderHook): () => void {
    if (this.senders.has(hook.name)) throw new TypeError(`a sender named ${hook.name} is already registered`);
    this.senders.set(hook.name, { ...hook, since: Date.now() });
    return () => this.senders.delete(hook.name);
  }

  get receiver(): Readonly<ReceiverFault & { since: number; affected: number }> {
    return this.fault;
  }

  setReceiver(fault: ReceiverFault): void {
    this.fault = { ...fault, since: Date.now(), affected: 0 };
  }

  /** Counts a delivery the current fault acted on. */
  hit(): void {
    this.fault.affected++;
  }

  async setSender(name: string | undefined, paused: boolean): Promise<string[]> {
    const targets = name ? [this.senders.get(name)] : [...this.senders.values()];
    if (targets.length === 0 || targets.some((t) => !t))
      throw new ApiError({
        status: 404,
        code: 'unknown_sender',
        message: name ? `No sender named ${name}` : 'This app registers no sender',
        param: 'sender.name',
      });
    for (const t of targets as (SenderHook & { since: number })[]) {
      if (t.isPaused() === paused) continue;
      await (paused ? t.pause() : t.resume());
      t.since = Date.now();
    }
    return targets.map((t) => t!.name);
  }

  /** The state as the control API shows it. */
  async snapshot() {
    const f = this.fault;
    return {
      service: this.service,
      receiver: {
        mode: f.mode,
        ...(f.delayMs === undefined ? {} : { delay_ms: f.delayMs }),
        ...(f.status === undefined ? {} : { status: f.status }),
        since: new Date(f.since).toISOString(),
        affected: f.affected,
      },
      senders: await Promise.all(
        [...this.senders.values()].map(async (s) => ({
          name: s.name,
          paused: s.isPaused(),
          since: new Date(s.since).toISOString(),
          stats: (await s.stats?.()) ?? {},
        })),
      ),
      transport: transportFaultSnapshot(),
    };
  }
}

/**
 * Process-wide transport faults (topic broker down, queue consumer crashes before ack). @hooklab/webhooks'
 * transports read them (transport/faults.ts) from the same global board, so the kit switches them without
 * depending on that package: same key, same shape.
 */
export interface TransportFaultState {
  brokerDown: boolean;
  brokerDownSince: number | null;
  refusedPublishes: number;
  consumerCrashes: number;
  crashes: {
    at: number;
    queue: string;
    consumer: string;
    eventId: string;
    eventType: string;
    traceparent?: string;
    redelivered?: { at: number; consumer: string; deliveries: number };
  }[];
}

interface TransportFaultBoard {
  readonly version: 1;
  state: TransportFaultState;
  listeners: Set<(state: TransportFaultState, previous: TransportFaultState) => void | Promise<void>>;
  witness?: { record(exchange: never): unknown };
}

const TRANSPORT_FAULTS = Symbol.for('hooklab.transport-faults');

function transportFaultBoard(): TransportFaultBoard {
  const g = globalThis as { [TRANSPORT_FAULTS]?: TransportFaultBoard };
  g[TRANSPORT_FAULTS] ??= {
    version: 1,
    state: {
      brokerDown: false,
      brokerDownSince: null,
      refusedPublishes: 0,
      consumerCrashes: 0,
      crashes: [],
    },
    listeners: new Set(),
  };
  return g[TRANSPORT_FAULTS];
}

/** This process's transport faults. */
export const transportFaults = (): Readonly<TransportFaultState> => transportFaultBoard().state;

/**
 * Switches this process's transport faults; resolves once the transports' listeners have acted on it (after
 * "back up": the embedded broker hosted again and this process's subscribers back).
 */
export async function setTransportFaults(patch: {
  brokerDown?: boolean;
  consumerCrashes?: number;
}): Promise<void> {
  const board = transportFaultBoard();
  const previous = board.state;
  const next = { ...previous };
  if (patch.brokerDown !== undefined && patch.brokerDown !== previous.brokerDown) {
    next.brokerDown = patch.brokerDown;
    next.brokerDownSince = patch.brokerDown ? Date.now() : null;
    if (patch.brokerDown) next.refusedPublishes = 0;
  }
  if (patch.consumerCrashes !== undefined) next.consumerCrashes = Math.max(0, patch.consumerCrashes);
  board.state = next;
  await Promise.all([...board.listeners].map((listener) => listener(next, previous)));
}

/**
 * Where this process records the witnesses of an injected consumer crash (the crash, the redelivery) when
 * the consumer has no recorder of its own: the console's recorder, whose process runs the scenarios' consumers.
 */
export function setTransportFaultWitness(recorder: ExchangeRecorder | undefined): void {
  transportFaultBoard().witness = recorder as TransportFaultBoard['witness'];
}

/** The transport faults as the control API shows them. */
export function transportFaultSnapshot() {
  const f = transportFaults();
  return {
    broker_down: f.brokerDown,
    broker_down_since: f.brokerDownSince === null ? null : new Date(f.brokerDownSince).toISOString(),
    refused_publishes: f.refusedPublishes,
    consumer_crashes_pending: f.consumerCrashes,
    crashes: f.crashes.map((c) => ({
      at: new Date(c.at).toISOString(),
      queue: c.queue,
      consumer: c.consumer,
      event_id: c.eventId,
      event_type: c.eventType,
      ...(c.traceparent ? { trace_id: c.traceparent.split('-')[1] } : {}),
      redelivered: c.redelivered
        ? {
            at: new Date(c.redelivered.at).toISOString(),
            consumer: c.redelivered.consumer,
            deliveries: c.redelivered.deliveries,
          }
        : null,
    })),
  };
}

const controls = new WeakMap<ExchangeRecorder, ServiceControl>();

/**
 * The control of the app that owns `recorder` (one per running app, made on first use). The recorder is
 * the handle main.ts already passes around, so registering a sender is one line there.
 */
export function appControl(recorder: ExchangeRecorder): ServiceControl {
  let control = controls.get(recorder);
  if (!control) {
    control = new ServiceControl(recorder.service);
    controls.set(recorder, control);
  }
  return control;
}

/** What a dispatcher of @hooklab/webhooks offers (structurally): start, stop, and its figures. */
export interface PausableDispatcher {
  start(): Promise<void>;
  stop(options?: { drainMs?: number }): Promise<void>;
  stats(): { running: boolean; inFlight: number };
  storeStats?(): Promise<{ pending: number; inFlight: number; dead: number }>;
}

/**
 * A sender hook over an outbox dispatcher: pause stops claiming (deliveries in flight finish, claimed ones
 * go back to the outbox), resume starts it again and it catches up on everything that waited.
 */
export function dispatcherSender(name: string, dispatcher: PausableDispatcher): SenderHook {
  let paused = false;
  return {
    name,
    async pause() {
      paused = true;
      await dispatcher.stop({ drainMs: 2000 });
    },
    async resume() {
      paused = false;
      await dispatcher.start();
    },
    isPaused: () => paused,
    async stats() {
      const store = await dispatcher.storeStats?.();
      return {
        in_flight: dispatcher.stats().inFlight,
        ...(store ? { pending: store.pending, dead: store.dead } : {}),
      };
    },
  };
}

type NodeBindings = { incoming?: IncomingMessage };

function socketOf(c: Context) {
  return (c.env as NodeBindings | undefined)?.incoming?.socket ?? null;
}

/**
 * Middleware acting out the receiver fault on webhook deliveries (other requests pass untouched). Mounted
 * after the recorder, so each faulted delivery is recorded with the fault it met.
 */
export function injectFaults(
  control: ServiceControl,
  render: (c: Context, e: NormalizedError) => Response = problemResponse,
): MiddlewareHandler {
  const refuse = (c: Context, status: number, message: string) =>
    render(c, normalizeError(new ApiError({ status: status as 500, code: 'injected_fault', message })));
  return async (c, next) => {
    const fault = control.receiver;
    if (fault.mode === 'none' || c.req.path.startsWith('/_hooklab/') || !isWebhookDelivery(c.req.raw.headers))
      return next();
    control.hit();
    c.set(FAULT_NOTE as never, { mode: fault.mode } as never);
    switch (fault.mode) {
      case 'down': {
        const socket = socketOf(c);
        c.set(
          FAULT_NOTE as never,
          { mode: 'down', status: null, error: 'connection closed: receiver down (injected fault)' } as never,
        );
        if (!socket) return refuse(c, 503, 'Receiver down (injected fault)');
        socket.destroy();
        return RESPONSE_ALREADY_SENT;
      }
      case 'slow':
        await new Promise((r) => setTimeout(r, fault.delayMs ?? 5000));
        return next();
      case 'failing':
        return refuse(c, fault.status ?? 503, 'Receiver failing (injected fault)');
      case 'gone':
        return refuse(c, 410, 'Receiver gone (injected fault)');
      case 'drop': {
        // The handler runs (the effect happens) but the sender never reads a whole answer: it will retry.
        await next();
        const status = c.res.status;
        const bytes = Buffer.from(await c.res.clone().text());
        c.set(
          FAULT_NOTE as never,
          { mode: 'drop', status, error: 'connection dropped mid-response (injected fault)' } as never,
        );
        // Headers and half the promised body, then the socket is closed under the sender.
        const socket = socketOf(c);
        const body = new ReadableStream<Uint8Array>({
          start(ctl) {
            ctl.enqueue(bytes.subarray(0, Math.ceil(bytes.length / 2)));
            setTimeout(() => (socket ? socket.destroy() : ctl.error(new Error('dropped'))), 20);
          },
        });
        c.res = new Response(body, {
          status,
          headers: {
            'content-type': c.res.headers.get('content-type') ?? 'application/json',
            'content-length': String(bytes.length),
          },
        });
        return;
      }
    }
  };
}

const controlBody = z
  .strictObject({
    receiver: z
      .strictObject({
        mode: z.enum(RECEIVER_FAULTS),
        delay_ms: z.number().int().min(1).max(120_000).optional(),
        status: z.number().int().min(400).max(599).optional(),
      })
      .optional(),
    sender: z.strictObject({ name: z.string().min(1).max(100).optional(), paused: z.boolean() }).optional(),
    // Process-wide: in `pnpm dev` each app is its own process, so the console sends it to every app.
    transport: z
      .strictObject({
        broker_down: z.boolean().optional(),
        consumer_crashes: z.number().int().min(0).max(100).optional(),
      })
      .refine((t) => t.broker_down !== undefined || t.consumer_crashes !== undefined, {
        message: 'give broker_down, consumer_crashes, or both',
      })
      .optional(),
  })
  .refine((b) => b.receiver || b.sender || b.transport, 'give receiver, sender, transport, or several');

/**
 * `GET /_hooklab/control` (the switches and what they did so far) and `POST /_hooklab/control`
 * (`{receiver: {mode, delay_ms?, status?}, sender: {name?, paused}, transport: {broker_down?,
 * consumer_crashes?}}`): dev mode only, like the recorder.
 */
export function controlRoutes(control: ServiceControl, dev: DevSurfaceConfig): Hono {
  const app = new Hono();
  app.use('*', async (c, next) => {
    const access = devAccessOf(c, dev);
    if (access !== 'allowed') return problemResponse(c, normalizeError(devAccessError(access)));
    await next();
    c.header('cache-control', 'no-store');
  });
  app.onError((err, c) => problemResponse(c, normalizeError(err)));
  app.get('/', async (c) => c.json(await control.snapshot()));
  app.post('/', async (c) => {
    const raw = await c.req.json().catch(() => {
      throw new ApiError({ status: 400, code: 'malformed_body', message: 'Send a JSON object' });
    });
    const body = controlBody.parse(raw);
    if (body.receiver) {
      const { mode, delay_ms, status } = body.receiver;
      if (status !== undefined && mode !== 'failing')
        throw new ApiError({
          status: 400,
          code: 'invalid_request',
          message: 'status applies to mode failing only',
          param: 'receiver.status',
        });
      if (delay_ms !== undefined && mode !== 'slow')
        throw new ApiError({
          status: 400,
          code: 'invalid_request',
          message: 'delay_ms applies to mode slow only',
          param: 'receiver.delay_ms',
        });
      control.setReceiver({
        mode,
        ...(mode === 'slow' ? { delayMs: delay_ms ?? 5000 } : {}),
        ...(mode === 'failing' ? { status: status ?? 503 } : {}),
      });
    }
    if (body.sender) await control.setSender(body.sender.name, body.sender.paused);
    if (body.transport)
      await setTransportFaults({
        brokerDown: body.transport.broker_down,
        consumerCrashes: body.transport.consumer_crashes,
      });
    return c.json(await control.snapshot());
  });
  return app;
}
