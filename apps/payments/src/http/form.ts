// Stripe-style form decoding: `a[b][c]=v`, `a[0]=v`, `a[]=v` (the SDK writes qs-style brackets).

export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormObject = { [key: string]: FormValue };

/** A form body or query string that cannot be read as Stripe parameters; `param` names the culprit. */
export class FormDecodeError extends Error {
  constructor(
    message: string,
    readonly param: string,
  ) {
    super(message);
    this.name = 'FormDecodeError';
  }
}

export interface DecodeLimits {
  maxKeys: number;
  maxDepth: number;
  maxIndex: number;
}

const DEFAULT_LIMITS: DecodeLimits = { maxKeys: 1000, maxDepth: 8, maxIndex: 999 };
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
const INDEX = /^\d+$/;

/** Splits `a[b][0][]` into `['a', 'b', '0', '']`, or throws when the brackets do not match. */
export function splitKey(key: string): string[] {
  const open = key.indexOf('[');
  if (open === -1) {
    if (key.includes(']')) throw new FormDecodeError(`Invalid parameter name: ${key}`, key);
    return [key];
  }
  const parts = [key.slice(0, open)];
  let rest = key.slice(open);
  while (rest.length > 0) {
    const close = rest.indexOf(']');
    if (rest[0] !== '[' || close === -1) throw new FormDecodeError(`Invalid parameter name: ${key}`, key);
    const inner = rest.slice(1, close);
    if (inner.includes('[')) throw new FormDecodeError(`Invalid parameter name: ${key}`, key);
    parts.push(inner);
    rest = rest.slice(close + 1);
  }
  return parts;
}

type Node =
  | { kind: 'leaf'; value: string }
  | { kind: 'array'; items: Map<number, Node>; pushed: number }
  | { kind: 'object'; fields: Map<string, Node> };

/** Decodes `application/x-www-form-urlencoded` text (or a query string) into nested Stripe parameters. */
export function decodeForm(text: string, limits: Partial<DecodeLimits> = {}): FormObject {
  const lim = { ...DEFAULT_LIMITS, ...limits };
  const root: Node & { kind: 'object' } = { kind: 'object', fields: new Map() };
  const pairs = new URLSearchParams(text.startsWith('?') ? text.slice(1) : text);
  let count = 0;
  for (const [rawKey, value] of pairs) {
    if (rawKey === '' && value === '') continue;
    if (++count > lim.maxKeys)
      throw new FormDecodeError(`Too many parameters (more than ${lim.maxKeys})`, rawKey);
    const parts = splitKey(rawKey);
    if (parts[0] === '') throw new FormDecodeError(`Invalid parameter name: ${rawKey}`, rawKey);
    if (parts.length > lim.maxDepth + 1)
      throw new FormDecodeError(`Parameter nested too deeply: ${rawKey}`, rawKey);
    let node: Node = root;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      const last = i === parts.length - 1;
      const next = parts[i + 1];
      const child = (): Node =>
        last
          ? { kind: 'leaf', value }
          : next === '' || INDEX.test(next ?? '')
            ? { kind: 'array', items: new Map(), pushed: 0 }
            : { kind: 'object', fields: new Map() };
      const where = formatParam(parts.slice(0, i + 1));
      if (node.kind === 'object') {
        if (FORBIDDEN.has(part)) throw new FormDecodeError(`Received unknown parameter: ${where}`, where);
        const existing = node.fields.get(part);
        node = settle(existing, child(), last, where, (n) =>
          (node as { fields: Map<string, Node> }).fields.set(part, n),
        );
      } else if (node.kind === 'array') {
        let index: number;
        if (part === '') index = node.items.size === 0 ? 0 : Math.max(...node.items.keys()) + 1;
        else if (INDEX.test(part)) index = Number(part);
        else
          throw new FormDecodeError(
            `Invalid array: ${formatParam(parts.slice(0, i))} mixes indexes and keys`,
            where,
          );
        if (index > lim.maxIndex) throw new FormDecodeError(`Array index too large: ${where}`, where);
        const items = node.items;
        node = settle(part === '' ? undefined : items.get(index), child(), last, where, (n) =>
          items.set(index, n),
        );
      } else {
        throw new FormDecodeError(
          `Invalid hash: ${formatParam(parts.slice(0, i))} is both a value and a hash`,
          where,
        );
      }
    }
  }
  return toValue(root) as FormObject;
}

function settle(
  existing: Node | undefined,
  fresh: Node,
  last: boolean,
  where: string,
  set: (n: Node) => void,
): Node {
  if (existing === undefined || (last && existing.kind === 'leaf')) {
    set(fresh);
    return fresh;
  }
  if (last || existing.kind === 'leaf' || existing.kind !== fresh.kind) {
    throw new FormDecodeError(
      `Invalid parameter: ${where} is given both as a value and as a ${existing.kind === 'leaf' ? 'hash or array' : existing.kind === 'array' ? 'array' : 'hash'}`,
      where,
    );
  }
  return existing;
}

function toValue(node: Node): FormValue {
  if (node.kind === 'leaf') return node.value;
  if (node.kind === 'array')
    return [...node.items.entries()].sort((a, b) => a[0] - b[0]).map(([, n]) => toValue(n));
  const out: FormObject = {};
  for (const [k, n] of node.fields) out[k] = toValue(n);
  return out;
}

/** `['line_items', 0, 'quantity']` → `line_items[0][quantity]`, the way Stripe names a parameter. */
export function formatParam(path: readonly (string | number | symbol)[]): string {
  const [head, ...rest] = path.map(String);
  return (head ?? '') + rest.map((p) => `[${p}]`).join('');
}
