import { describe, expect, it } from 'vitest';
import {
  type EndpointSlot,
  ensureStripeWebhookEndpoint,
  heldEndpoint,
  registerInBackground,
  type StripeWebhookEndpointsApi,
} from './endpoint-registration.ts';

function memorySlot(value?: string): EndpointSlot & { value: string | undefined } {
  const slot = {
    value,
    read: () => slot.value,
    write: (json: string) => {
      slot.value = json;
    },
  };
  return slot;
}

/** payments' endpoint API as the Stripe SDK sees it, in memory, recording every call. */
function fakeEndpoints() {
  const endpoints: { id: string; url: string; enabled_events: string[]; status: string }[] = [];
  const calls: string[] = [];
  let n = 0;
  const api: StripeWebhookEndpointsApi = {
    list: () => ({
      autoPagingToArray: async () => {
        calls.push('list');
        return endpoints.map((e) => ({ ...e }));
      },
    }),
    create: async (p) => {
      calls.push('create');
      const e = { id: `we_${++n}`, url: p.url, enabled_events: p.enabled_events, status: 'enabled' };
      endpoints.push(e);
      return { id: e.id, secret: `whsec_${e.id}` };
    },
    update: async (id, p) => {
      calls.push(`update ${id}`);
      Object.assign(endpoints.find((e) => e.id === id)!, {
        enabled_events: p.enabled_events,
        status: p.disabled ? 'disabled' : 'enabled',
      });
    },
    del: async (id) => {
      calls.push(`delete ${id}`);
      endpoints.splice(
        endpoints.findIndex((e) => e.id === id),
        1,
      );
    },
  };
  return { api, endpoints, calls };
}

describe('endpoint registration', () => {
  const url = 'http://127.0.0.1:3001/webhooks/stripe';
  const events = ['payment_intent.succeeded', 'charge.refunded'];
  const ensure = (api: StripeWebhookEndpointsApi, slot: EndpointSlot) =>
    ensureStripeWebhookEndpoint({ endpoints: api, url, events, description: 'test', slot });

  it('creates once, keeps the endpoint while its secret is held, replaces one whose secret is lost', async () => {
    const { api, endpoints, calls } = fakeEndpoints();
    const slot = memorySlot();
    const made = await ensure(api, slot);
    expect(made).toEqual({ id: 'we_1', url, secret: 'whsec_we_1', created: true });
    expect(heldEndpoint(slot)).toEqual({ id: 'we_1', url, secret: 'whsec_we_1' });
    expect(await ensure(api, slot)).toEqual({ ...made, created: false });
    const lost = memorySlot();
    expect(await ensure(api, lost)).toMatchObject({ id: 'we_2', created: true });
    expect(calls).toEqual(['list', 'create', 'list', 'list', 'delete we_1', 'create']);
    expect(endpoints.map((e) => e.id)).toEqual(['we_2']);
  });

  it('updates in place a held endpoint that is disabled or misses an event', async () => {
    const { api, endpoints, calls } = fakeEndpoints();
    const slot = memorySlot();
    await ensure(api, slot);
    Object.assign(endpoints[0]!, { status: 'disabled', enabled_events: ['charge.refunded'] });
    expect(await ensure(api, slot)).toMatchObject({ id: 'we_1', created: false });
    expect(calls).toEqual(['list', 'create', 'list', 'update we_1']);
    expect(endpoints[0]).toMatchObject({ status: 'enabled', enabled_events: events });
  });

  it('reads a slot it cannot parse as none held', () => {
    expect(heldEndpoint(memorySlot('not json'))).toBeUndefined();
    expect(heldEndpoint(memorySlot('{"id":"we_1"}'))).toBeUndefined();
  });

  it('fails when the provider answers a creation without a secret', async () => {
    const { api } = fakeEndpoints();
    const noSecret = { ...api, create: async () => ({ id: 'we_x', secret: null }) };
    await expect(ensure(noSecret, memorySlot())).rejects.toThrow(
      'payments returned a webhook endpoint without its secret',
    );
  });

  it('retries in the background while the provider is down, then reports once registered', async () => {
    let tries = 0;
    const registered: string[] = [];
    const run = registerInBackground({
      what: 'a test endpoint',
      initialDelayMs: 5,
      attempt: async () => {
        tries += 1;
        if (tries < 3) throw new Error('ECONNREFUSED');
        return { id: 'we_ok' };
      },
      onRegistered: (r) => registered.push(r.id),
    });
    expect(registered).toEqual([]);
    expect(await run.done).toBe(true);
    expect(tries).toBe(3);
    expect(registered).toEqual(['we_ok']);
  });

  it('stops retrying when stopped, without reporting', async () => {
    const registered: string[] = [];
    let failed: () => void = () => {};
    const firstFailure = new Promise<void>((resolve) => {
      failed = resolve;
    });
    const run = registerInBackground({
      what: 'a test endpoint',
      initialDelayMs: 60_000,
      attempt: async () => {
        failed();
        throw new Error('ECONNREFUSED');
      },
      onRegistered: (r: { id: string }) => registered.push(r.id),
    });
    await firstFailure;
    run.stop();
    expect(await run.done).toBe(false);
    expect(registered).toEqual([]);
  });
});
