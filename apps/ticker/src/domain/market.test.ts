import { afterEach, describe, expect, it, vi } from 'vitest';
import { Market, matchesIfNoneMatch } from './market.ts';

const market = (over: Partial<ConstructorParameters<typeof Market>[0]> = {}) =>
  new Market({
    symbols: ['ACME', 'GLOBEX'],
    updatesPerSecond: 0,
    volatility: 0.01,
    historySize: 3,
    now: () => Date.now(),
    ...over,
  });

afterEach(() => {
  vi.useRealTimers();
});

describe('Market', () => {
  it('opens each symbol at its listed price, sequence 1', () => {
    expect(market().quote('acme')).toMatchObject({
      symbol: 'ACME',
      name: 'Acme Corporation',
      price: 120,
      seq: 1,
    });
  });

  it('moves a price on every step, tells listeners in order and keeps a bounded history', () => {
    const m = market();
    const heard: number[] = [];
    m.onChange((q) => heard.push(q.seq));
    const prices = [m.quote('ACME')!.price];
    for (let i = 0; i < 5; i++) prices.push(m.move('ACME').price);
    for (let i = 1; i < prices.length; i++) expect(prices[i]).not.toBe(prices[i - 1]);
    expect(heard).toEqual([2, 3, 4, 5, 6]);
    expect(m.changes('ACME').map((c) => c.seq)).toEqual([4, 5, 6]);
    expect(m.changes('ACME', 5)).toEqual([{ seq: 6, price: prices[5], at: expect.any(Number) }]);
  });

  it('stays within the volatility of the last price', () => {
    const m = market({ random: () => 1 });
    expect(m.move('ACME').price).toBe(121.2);
  });

  it('walks at the configured rate per symbol once started, and stops', async () => {
    vi.useFakeTimers();
    const m = market({ updatesPerSecond: 2 });
    m.start();
    await vi.advanceTimersByTimeAsync(1000);
    expect(m.quote('ACME')!.seq - 1 + m.quote('GLOBEX')!.seq - 1).toBe(4);
    m.stop();
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('matchesIfNoneMatch', () => {
  it('compares a list of tags weakly and honours *', () => {
    expect(matchesIfNoneMatch('"a", W/"ACME-3"', '"ACME-3"')).toBe(true);
    expect(matchesIfNoneMatch('*', '"ACME-3"')).toBe(true);
    expect(matchesIfNoneMatch('"ACME-2"', '"ACME-3"')).toBe(false);
    expect(matchesIfNoneMatch(undefined, '"ACME-3"')).toBe(false);
  });
});
