import { logisticsKeys, sampleOrder } from './logistics-receiver.ts';
import { check, type ScenarioContext } from './scenario.ts';

export interface LogisticsCrudResult {
  shipmentId: string;
  listed: number;
  errors: { status: number; code: string; type: string; title: string }[];
}

export const LOGISTICS_CRUD_STEPS = [
  'Shop creates a shipment with its logistics API key (JSON) → 202 with a status URL',
  'Shop reads the shipment and lists its shipments',
  'No key → 401 problem+json, code unauthorized, with WWW-Authenticate',
  'Read-only key: reads work, a write → 403 problem+json, code insufficient_scope',
  'Another merchant’s key asks for our shipment → 404 problem+json, code not_found (not 403: it is not there for them)',
];

/** The logistics half of S01: create, read, list, then 401, 403 and 404 with their problem+json bodies. */
export async function logisticsCrudSteps(ctx: ScenarioContext, first = 0): Promise<LogisticsCrudResult> {
  const base = ctx.urls.logistics;
  const keys = logisticsKeys(ctx);
  const errors: LogisticsCrudResult['errors'] = [];
  const call = (path: string, init: RequestInit & { key?: string | null } = {}) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (init.key !== null) headers.authorization = `Bearer ${init.key ?? keys.key}`;
    return ctx.fetch(`${base}${path}`, {
      ...init,
      headers: { ...headers, ...(init.headers as Record<string, string>) },
    });
  };
  /** Checks an RFC 9457 problem+json answer: status, `type` URI, `code`, a `title` saying `says`. */
  const problem = async (res: Response, want: { status: number; code: string; says: string }) => {
    const type = res.headers.get('content-type');
    const body = (await res.json()) as { type?: string; code?: string; title?: string; status?: number };
    check(
      res.status === want.status && type === 'application/problem+json',
      `expected ${want.status} application/problem+json, got ${res.status} ${type}`,
      body,
    );
    check(
      body.status === want.status &&
        body.code === want.code &&
        typeof body.type === 'string' &&
        body.type.endsWith(`/${want.code}`) &&
        body.title?.includes(want.says),
      `expected a problem {status: ${want.status}, code: ${want.code}, type …/${want.code}} saying "${want.says}"`,
      body,
    );
    errors.push({ status: want.status, code: body.code, type: body.type, title: body.title ?? '' });
    ctx.say(`${want.status} ${body.code}: ${body.title}`, body);
    return body;
  };

  ctx.step(first);
  const orderId = `ord_s01_${Date.now().toString(36)}`;
  const created = await call('/v1/shipments', { method: 'POST', body: JSON.stringify(sampleOrder(orderId)) });
  check(
    created.status === 202,
    `POST /v1/shipments answered ${created.status}`,
    await created.clone().text(),
  );
  const shipment = (await created.json()) as { id: string; status: string };
  check(created.headers.get('location') === `/v1/shipments/${shipment.id}`, 'Location names the status URL');
  ctx.say(`created ${shipment.id} for ${orderId}: ${shipment.status}`, {
    location: created.headers.get('location'),
  });

  ctx.step(first + 1);
  const read = await call(`/v1/shipments/${shipment.id}?view=status`);
  check(read.status === 200, `GET shipment answered ${read.status}`);
  const list = (await (await call(`/v1/shipments?order_id=${orderId}`)).json()) as { data: { id: string }[] };
  check(
    list.data.some((s) => s.id === shipment.id),
    'the list shows the new shipment',
  );
  ctx.say(`read ${shipment.id}, listed ${list.data.length}`);

  ctx.step(first + 2);
  const noKey = await call('/v1/shipments', { key: null });
  check(
    noKey.headers.get('www-authenticate')?.startsWith('Bearer'),
    'a 401 names its scheme in WWW-Authenticate',
    Object.fromEntries(noKey.headers),
  );
  await problem(noKey, { status: 401, code: 'unauthorized', says: 'API key' });

  ctx.step(first + 3);
  check(
    (await call(`/v1/shipments/${shipment.id}?view=status`, { key: keys.readonly })).status === 200,
    'read-only key reads',
  );
  await problem(
    await call('/v1/shipments', {
      method: 'POST',
      key: keys.readonly,
      body: JSON.stringify(sampleOrder(`${orderId}_ro`)),
    }),
    { status: 403, code: 'insufficient_scope', says: 'read-only' },
  );

  ctx.step(first + 4);
  await problem(await call(`/v1/shipments/${shipment.id}`, { key: keys.other }), {
    status: 404,
    code: 'not_found',
    says: shipment.id,
  });

  return { shipmentId: shipment.id, listed: list.data.length, errors };
}
