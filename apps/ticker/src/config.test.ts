import { describe, expect, it } from 'vitest';
import { loadTickerConfig } from './config.ts';

describe('ticker config', () => {
  it('reads symbols as an upper-case list without duplicates', () => {
    expect(loadTickerConfig({ TICKER_SYMBOLS: 'acme, hooli,ACME' }).TICKER_SYMBOLS).toEqual([
      'ACME',
      'HOOLI',
    ]);
  });

  it('lists every bad variable at once', () => {
    expect(() =>
      loadTickerConfig({
        TICKER_SYMBOLS: 'no spaces allowed',
        TICKER_UPDATES_PER_SECOND: '-1',
        TICKER_HUB_URL: 'ftp://x',
      }),
    ).toThrow(/TICKER_SYMBOLS[\s\S]*TICKER_UPDATES_PER_SECOND[\s\S]*TICKER_HUB_URL/);
  });
});
