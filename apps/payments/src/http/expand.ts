import type { PaymentsContext } from '../context.ts';
import { invalid } from '../domain/errors.ts';

const EXPANDABLE = new Set(['latest_charge', 'payment_intent', 'charge', 'default_price', 'product']);

/** Applies `expand[]` paths (`latest_charge`, `data.payment_intent`…) by replacing ids with the objects. */
export function expandObject<T>(
  d: PaymentsContext,
  accountId: string,
  obj: T,
  paths: readonly string[] | undefined,
): T {
  if (!paths || paths.length === 0) return obj;
  let out = structuredClone(obj) as unknown;
  paths.forEach((path, i) => {
    out = expandPath(d, accountId, out, path.split('.'), path, i);
  });
  return out as T;
}

function expandPath(
  d: PaymentsContext,
  accountId: string,
  value: unknown,
  parts: string[],
  path: string,
  index: number,
): unknown {
  const [head, ...rest] = parts;
  if (!value || typeof value !== 'object' || head === undefined) return value;
  const obj = value as Record<string, unknown>;
  if (head === 'data' && obj.object === 'list' && Array.isArray(obj.data) && rest.length > 0) {
    return { ...obj, data: obj.data.map((item) => expandPath(d, accountId, item, rest, path, index)) };
  }
  if (!(head in obj) || (rest.length === 0 && !EXPANDABLE.has(head))) {
    throw invalid(`This property cannot be expanded (${head}).`, `expand[${index}]`, 'parameter_invalid');
  }
  let field = obj[head];
  if (typeof field === 'string') field = d.store.get(accountId, field) ?? field;
  return { ...obj, [head]: rest.length > 0 ? expandPath(d, accountId, field, rest, path, index) : field };
}
