import type { FetchLike } from '@hooklab/service';

/** The order as the shop's JSON API shows it (the fields the bot reads). */
export interface ShopOrder {
  id: string;
  status: string;
  amount_total: number;
  currency: string;
  customer?: { name?: string };
  items?: { name: string; quantity: number; sku?: string | null }[];
  payment?: { payment_intent_id: string | null };
  refund?: { status: string; amount_refunded: number } | null;
  shipment?: Record<string, unknown> | null;
  url?: string;
  [key: string]: unknown;
}

export class ShopApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ShopApiError';
  }
}

/** The shop's JSON API with the back-office key (`Authorization: Bearer`). */
export function createShopClient(opts: { shopUrl: () => string; adminKey: string; fetch: FetchLike }) {
  const call = async (path: string, init: RequestInit = {}) => {
    const res = await opts.fetch(`${opts.shopUrl()}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${opts.adminKey}`,
        accept: 'application/json',
        ...(init.body ? { 'content-type': 'application/json' } : {}),
        ...(init.headers as Record<string, string> | undefined),
      },
      signal: init.signal ?? AbortSignal.timeout(5000),
    });
    const body = (await res.json().catch(() => null)) as Record<string, unknown> | null;
    if (!res.ok) {
      const detail = typeof body?.detail === 'string' ? body.detail : (body?.title ?? res.statusText);
      throw new ShopApiError(
        res.status,
        `shop ${init.method ?? 'GET'} ${path}: ${res.status} ${String(detail)}`,
      );
    }
    return body;
  };
  return {
    /** The order, or undefined when the shop says there is none (404). */
    async order(id: string): Promise<ShopOrder | undefined> {
      try {
        return (await call(`/api/orders/${encodeURIComponent(id)}`)) as ShopOrder;
      } catch (err) {
        if (err instanceof ShopApiError && err.status === 404) return undefined;
        throw err;
      }
    },
    async listEndpoints(): Promise<{ id: string; url: string; enabled_events: string[]; status: string }[]> {
      const body = (await call('/v1/webhook_endpoints?limit=100')) as { data: never[] };
      return body.data;
    },
    async createEndpoint(input: { url: string; enabled_events: string[]; description: string }) {
      return (await call('/v1/webhook_endpoints', { method: 'POST', body: JSON.stringify(input) })) as {
        id: string;
        url: string;
        secret: string;
      };
    },
    async deleteEndpoint(id: string): Promise<void> {
      await call(`/v1/webhook_endpoints/${encodeURIComponent(id)}`, { method: 'DELETE' });
    },
  };
}

export type ShopClient = ReturnType<typeof createShopClient>;
