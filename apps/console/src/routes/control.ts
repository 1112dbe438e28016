import { ApiError, newId, SERVICE_NAMES, type ServiceEnv, type ServiceName } from '@hooklab/service';
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

interface Snapshot {
  senders?: { name: string; paused: boolean; stats: Record<string, number> }[];
}

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

  return new Hono<ServiceEnv>()
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
