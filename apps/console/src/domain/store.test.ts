import { describe, expect, it } from 'vitest';
import { exchange } from '../test-support.ts';
import { ConsoleStore } from './store.ts';

describe('ConsoleStore', () => {
  it('keeps each exchange once, whoever replays it, and announces only changes of a service', () => {
    const store = new ConsoleStore();
    const seen: string[] = [];
    store.subscribe((_, e) => seen.push(e.type));
    const e = exchange({ service: 'shop', direction: 'in', url: 'http://127.0.0.1:4001/' });
    expect(store.addExchange(e)).toBe(true);
    expect(store.addExchange({ ...e })).toBe(false);
    // The same id recorded by another app is another exchange.
    expect(store.addExchange({ ...e, service: 'payments' })).toBe(true);
    store.setService({ name: 'shop', url: 'u', status: 'up' });
    store.setService({ name: 'shop', url: 'u', status: 'up' });
    store.setService({ name: 'shop', url: 'u', status: 'down', detail: 'ECONNREFUSED' });
    expect(seen).toEqual(['exchange', 'exchange', 'service', 'service']);
  });

  it('replays what a reconnecting browser missed, or asks for a snapshot when the log is too short', () => {
    const store = new ConsoleStore({ maxLog: 10 });
    for (let i = 0; i < 5; i++)
      store.addExchange(exchange({ service: 'shop', direction: 'in', url: 'http://x/' }));
    expect(store.since(3)?.map((x) => x.seq)).toEqual([4, 5]);
    expect(store.since(5)).toEqual([]);
    expect(store.since(6)).toBeNull();
    for (let i = 0; i < 20; i++)
      store.addExchange(exchange({ service: 'shop', direction: 'in', url: 'http://x/' }));
    expect(store.since(3)).toBeNull();
    expect(store.snapshot().seq).toBe(25);
  });

  it('bounds what it keeps', () => {
    const store = new ConsoleStore({ maxExchanges: 3 });
    const all = Array.from({ length: 5 }, () =>
      exchange({ service: 'shop', direction: 'in', url: 'http://x/' }),
    );
    for (const e of all) store.addExchange(e);
    expect(store.allExchanges().map((e) => e.id)).toEqual(all.slice(2).map((e) => e.id));
    // An exchange that left the store may come back (a backlog after a restart): it is new again.
    expect(store.addExchange(all[0]!)).toBe(true);
  });
});
