import {
  ApiError,
  newId,
  SERVICE_NAMES,
  type ServiceEnv,
  type ServiceName,
  setTransportFaults,
  transportFaultSnapshot,
} from '@hooklab/service';
import { Hono } from 'hono';
import { z } from 'zod';
import type { ConsoleContext } from '../context.ts';
import type { Switch } from '../domain/switches.ts';
import { devHeaders } from '../http/upstreams.ts';

export const controlBody = z.strictObject({
  receiver: z
    .strictObject({
      mode: z.enum(['none', 'down', 'slow', 'failing', 'drop', 'gone']),
      delay_ms: z.number().int().min(1).max(120_000).optional(),
      status: z.number().int().min(400).max(599).optional(),
    })
    .optional(),
  sender: z.strictObject({ name: z.string().min(1).max(100).optional(), paused: z.boolean() }).optional(),
});

/** The process-wide transport faults, switched in the console's own process and in every app. */
export const transportBody = z
  .strictObject({
    broker_down: z.boolean().optional(),
    consumer_crashes: z.number().int().min(0).max(100).optional(),
  })
  .refine((t) => t.broker_down !== undefined || t.consumer_crashes !== undefined, {
    message: 'give broker_down, consumer_crashes, or both',
  });

type TransportSnapshot = ReturnType<typeof transportFaultSnapshot>;

interface Snapshot {
  receiver?: { mode: string };
  senders?: { name: string; paused: boolean; stats: Record<string, number> }[];
  transport?: TransportSnapshot;
}

/** Names of the switches that are not an app's: the process-wide transport faults. */
export const BROKER_SWITCH = 'topic broker';
export const CRASH_SWITCH = 'queue consumers';

/**
 * `GET|POST /api/control/:service`: the app's own control API (`/_hooklab/control`) relayed, and each
 * switch remembered with its time, so the console can say what it did.
 */
export function controlRoutes(ctx: ConsoleContext) {
  const serviceOf = (name: string): ServiceName => {
    if (!SERVICE_NAMES.includes(name as ServiceName) || name === 'console')
      throw new ApiError({ status: 404, code: 'unknown_service', message: `No app named ${name}` });
    return name as ServiceName;
  };
  const call = async (name: ServiceName, init?: RequestInit) => {
    let res: Response;
    try {
      res = await ctx.fetch(`${ctx.urls[name]}/_hooklab/control`, {
        ...init,
        headers: { 'content-type': 'application/json', ...devHeaders(ctx.config.HOOKLAB_DEV_TOKEN) },
        signal: AbortSignal.timeout(10_000),
      });
    } catch {
      throw new ApiError({ status: 502, code: 'app_unreachable', message: `${name} did not answer` });
    }
    const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (!res.ok)
      throw new ApiError({
        status: res.status >= 500 ? 502 : (res.status as 400),
        code: String(body.code ?? 'control_refused'),
        message: `${name}: ${String(body.title ?? `control API answered ${res.status}`)}`,
      });
    return body;
  };

  const apps = SERVICE_NAMES.filter((n) => n !== 'console');
  // Each app's answer, or why there is none: one app that is down does not stop a switch for the others.
  const everyApp = (init?: RequestInit) =>
    Promise.all(
      apps.map(async (name) => {
        try {
          return { name, snapshot: (await call(name, init)) as Snapshot };
        } catch (err) {
          return { name, error: (err as Error).message };
        }
      }),
    );

  /** The transport faults of every process: the console's own (where the scenarios' consumers run) and each app's. */
  const transportState = (answers: Awaited<ReturnType<typeof everyApp>>) => {
    const processes = [
      { name: 'console', transport: transportFaultSnapshot() },
      ...answers.flatMap((a) =>
        a.snapshot?.transport ? [{ name: a.name, transport: a.snapshot.transport }] : [],
      ),
    ];
    // In one process (the tests' stack) every app shows the same board: each crash once.
    const seen = new Set<string>();
    const crashes = processes
      .flatMap((p) => p.transport.crashes.map((c) => ({ ...c, process: p.name })))
      .filter((c) => {
        const key = `${c.at} ${c.consumer} ${c.event_id}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    return {
      broker_down: processes.some((p) => p.transport.broker_down),
      consumer_crashes_pending: Math.max(0, ...processes.map((p) => p.transport.consumer_crashes_pending)),
      refused_publishes: Math.max(0, ...processes.map((p) => p.transport.refused_publishes)),
      crashes,
      processes: processes.map((p) => ({
        name: p.name,
        broker_down: p.transport.broker_down,
        consumer_crashes_pending: p.transport.consumer_crashes_pending,
        refused_publishes: p.transport.refused_publishes,
      })),
      unreachable: answers.flatMap((a) => (a.error ? [{ name: a.name, error: a.error }] : [])),
    };
  };

  const closeSwitch = (
    service: string,
    kind: Switch['kind'],
    at: number,
    statsAtEnd?: Record<string, number>,
  ) => {
    const open = ctx.store.openSwitch(service, kind);
    if (open) ctx.store.putSwitch({ ...open, until: at, ...(statsAtEnd ? { statsAtEnd } : {}) });
    return open;
  };

  return new Hono<ServiceEnv>()
    .get('/transport', async (c) => c.json(transportState(await everyApp())))
    .post('/transport', async (c) => {
      const raw = await c.req.json().catch(() => {
        throw new ApiError({ status: 400, code: 'malformed_body', message: 'Send a JSON object' });
      });
      const body = transportBody.parse(raw);
      // This process first: the scenarios' consumers (and often the embedded broker) live here.
      // Awaited: on "back up" the broker is hosted again and this process's subscribers are back before any
      // app (a publisher) is told.
      await setTransportFaults({ brokerDown: body.broker_down, consumerCrashes: body.consumer_crashes });
      const answers = await everyApp({ method: 'POST', body: JSON.stringify({ transport: body }) });
      const state = transportState(answers);
      const now = Date.now();
      if (body.broker_down !== undefined) {
        const open = ctx.store.openSwitch(BROKER_SWITCH, 'transport');
        if (body.broker_down && !open)
          ctx.store.putSwitch({
            id: newId('sw'),
            service: BROKER_SWITCH,
            kind: 'transport',
            mode: 'broker-down',
            at: now,
          });
        if (!body.broker_down && open)
          closeSwitch(BROKER_SWITCH, 'transport', now, { refused_publishes: state.refused_publishes });
      }
      if (body.consumer_crashes !== undefined) {
        closeSwitch(CRASH_SWITCH, 'transport', now, { crashes: state.crashes.length });
        if (body.consumer_crashes > 0)
          ctx.store.putSwitch({
            id: newId('sw'),
            service: CRASH_SWITCH,
            kind: 'transport',
            mode: 'consumer-crash',
            detail: String(body.consumer_crashes),
            at: now,
          });
      }
      return c.json(state);
    })
    .delete('/', async (c) => {
      // "Clear all faults": every receiver working, every sender running, no transport fault, anywhere.
      await setTransportFaults({ brokerDown: false, consumerCrashes: 0 });
      const before = await everyApp();
      const cleared = await Promise.all(
        before.map(async (a) => {
          if (!a.snapshot) return { name: a.name, error: a.error };
          const body = {
            ...(a.snapshot.receiver && a.snapshot.receiver.mode !== 'none'
              ? { receiver: { mode: 'none' } }
              : {}),
            ...(a.snapshot.senders?.some((s) => s.paused) ? { sender: { paused: false } } : {}),
            transport: { broker_down: false, consumer_crashes: 0 },
          };
          try {
            return {
              name: a.name,
              snapshot: (await call(a.name, { method: 'POST', body: JSON.stringify(body) })) as Snapshot,
            };
          } catch (err) {
            return { name: a.name, error: (err as Error).message };
          }
        }),
      );
      const now = Date.now();
      const state = transportState(cleared);
      for (const a of cleared) {
        if (!a.snapshot) continue;
        closeSwitch(a.name, 'receiver', now);
        closeSwitch(a.name, 'sender', now);
      }
      closeSwitch(BROKER_SWITCH, 'transport', now, { refused_publishes: state.refused_publishes });
      closeSwitch(CRASH_SWITCH, 'transport', now, { crashes: state.crashes.length });
      return c.json({
        data: cleared.map((a) =>
          a.snapshot ? { name: a.name, cleared: true } : { name: a.name, cleared: false, error: a.error },
        ),
        transport: state,
      });
    })
    .get('/:service', async (c) => c.json(await call(serviceOf(c.req.param('service')))))
    .post('/:service', async (c) => {
      const name = serviceOf(c.req.param('service'));
      const raw = await c.req.json().catch(() => {
        throw new ApiError({ status: 400, code: 'malformed_body', message: 'Send a JSON object' });
      });
      const body = controlBody.parse(raw);
      const before = body.sender ? ((await call(name)) as Snapshot) : undefined;
      const after = (await call(name, { method: 'POST', body: JSON.stringify(body) })) as Snapshot;
      const now = Date.now();
      if (body.receiver) {
        const open = ctx.store.openSwitch(name, 'receiver');
        if (open) ctx.store.putSwitch({ ...open, until: now });
        const { mode, delay_ms, status } = body.receiver;
        if (mode !== 'none') {
          const sw: Switch = {
            id: newId('sw'),
            service: name,
            kind: 'receiver',
            mode,
            at: now,
            ...(mode === 'slow' ? { detail: `${delay_ms ?? 5000} ms` } : {}),
            ...(mode === 'failing' ? { detail: `${status ?? 503}` } : {}),
          };
          ctx.store.putSwitch(sw);
        }
      }
      if (body.sender) {
        const stats = (snap: Snapshot | undefined) =>
          snap?.senders?.find((s) => !body.sender?.name || s.name === body.sender.name)?.stats;
        const open = ctx.store.openSwitch(name, 'sender');
        if (body.sender.paused && !open)
          ctx.store.putSwitch({
            id: newId('sw'),
            service: name,
            kind: 'sender',
            mode: 'paused',
            detail: body.sender.name ?? 'all',
            at: now,
            statsAtStart: stats(after),
          });
        if (!body.sender.paused && open)
          ctx.store.putSwitch({ ...open, until: now, statsAtEnd: stats(before) });
      }
      return c.json(after);
    });
}
