import { logisticsKeys, sampleOrder } from './logistics-receiver.ts';
import { check, type ScenarioContext } from './scenario.ts';

export interface LogisticsCrudResult {
  shipmentId: string;
  listed: number;
  errors: { status: number; code: string; title: string }[];
}

export const LOGISTICS_CRUD_STEPS = [
  'Shop creates a shipment with its logistics API key (JSON) → 202 with a status URL',
  'Shop reads the shipment and lists its shipments',
  'No key → 401 problem+json',
  'Read-only key: reads work, a write → 403 insufficient_scope',
  'Another merchant’s key asks for our shipment → 404 not_found',
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
  const problem = async (res: Response, status: number, code: string) => {
    check(res.status === status, `expected ${status}, got ${res.status}`);
    check(
      res.headers.get('content-type') === 'application/problem+json',
      'errors are application/problem+json',
    );
    const body = (await res.json()) as { code: string; title: string; status: number };
    check(body.code === code && body.status === status, `expected code ${code}`, body);
    errors.push({ status, code: body.code, title: body.title });
    ctx.say(`${status} ${body.code}: ${body.title}`, body);
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
  await problem(await call('/v1/shipments', { key: null }), 401, 'unauthorized');

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
    403,
    'insufficient_scope',
  );

  ctx.step(first + 4);
  await problem(await call(`/v1/shipments/${shipment.id}`, { key: keys.other }), 404, 'not_found');

  return { shipmentId: shipment.id, listed: list.data.length, errors };
}
