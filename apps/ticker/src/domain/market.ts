/** One price change: the quote's sequence number, the new price and when it changed (epoch ms). */
export interface Change {
  seq: number;
  price: number;
  at: number;
}

export interface Quote {
  symbol: string;
  name: string;
  currency: 'USD';
  price: number;
  /** Price change since the open (the first price of this process). */
  change: number;
  open: number;
  /** 1 for the opening price, +1 for each change. */
  seq: number;
  /** When the price last changed, epoch ms. */
  at: number;
}

export const LISTED: Record<string, { name: string; open: number }> = {
  ACME: { name: 'Acme Corporation', open: 120 },
  GLOBEX: { name: 'Globex', open: 48.5 },
  INITECH: { name: 'Initech', open: 15.25 },
  UMBRL: { name: 'Umbrella Holdings', open: 210 },
  HOOLI: { name: 'Hooli', open: 1024 },
};

export interface MarketOptions {
  symbols: string[];
  /** Price changes per second, per symbol; 0 moves prices only when `move` is called. */
  updatesPerSecond: number;
  /** Largest relative step of one change (0.002 = 0.2 %). */
  volatility: number;
  /** Changes kept per symbol for `/quotes/:symbol/history` and the topic's `recent`. */
  historySize: number;
  now: () => number;
  random?: () => number;
}

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * The prices: a random walk per symbol, one step every 1/rate seconds. Listeners hear every change, in order;
 * a history of recent changes is kept so a client can see what it missed (and a bench can count staleness).
 */
export class Market {
  private readonly quotes = new Map<string, Quote>();
  private readonly history = new Map<string, Change[]>();
  private readonly listeners = new Set<(q: Quote) => void>();
  private timer: NodeJS.Timeout | null = null;
  private readonly random: () => number;

  constructor(private readonly opts: MarketOptions) {
    this.random = opts.random ?? Math.random;
    const at = opts.now();
    for (const symbol of opts.symbols) {
      const listed = LISTED[symbol] ?? { name: symbol, open: 100 };
      this.quotes.set(symbol, {
        symbol,
        name: listed.name,
        currency: 'USD',
        price: listed.open,
        open: listed.open,
        change: 0,
        seq: 1,
        at,
      });
      this.history.set(symbol, [{ seq: 1, price: listed.open, at }]);
    }
  }

  symbols(): string[] {
    return [...this.quotes.keys()];
  }

  quote(symbol: string): Quote | undefined {
    const q = this.quotes.get(symbol.toUpperCase());
    return q ? { ...q } : undefined;
  }

  all(): Quote[] {
    return [...this.quotes.values()].map((q) => ({ ...q }));
  }

  /** Changes after `afterSeq`, oldest first (as many as are kept). */
  changes(symbol: string, afterSeq = 0, limit = Number.POSITIVE_INFINITY): Change[] {
    const list = this.history.get(symbol.toUpperCase()) ?? [];
    return list.filter((c) => c.seq > afterSeq).slice(-limit);
  }

  onChange(fn: (q: Quote) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** One step of the walk for `symbol`: a new price, never the same as before, never below a cent. */
  move(symbol: string): Quote {
    const q = this.quotes.get(symbol);
    if (!q) throw new Error(`unknown symbol ${symbol}`);
    const step = (this.random() * 2 - 1) * this.opts.volatility;
    let price = round(Math.max(0.01, q.price * (1 + step)));
    if (price === q.price) price = round(q.price + (step >= 0 ? 0.01 : -0.01)) || 0.02;
    q.price = price;
    q.change = round(price - q.open);
    q.seq += 1;
    q.at = this.opts.now();
    const list = this.history.get(symbol)!;
    list.push({ seq: q.seq, price, at: q.at });
    if (list.length > this.opts.historySize) list.splice(0, list.length - this.opts.historySize);
    const copy = { ...q };
    for (const fn of this.listeners) fn(copy);
    return copy;
  }

  /** Starts moving every symbol at the configured rate (each symbol in turn, evenly spaced). */
  start(): void {
    if (this.timer || this.opts.updatesPerSecond <= 0) return;
    const symbols = this.symbols();
    const everyMs = 1000 / (this.opts.updatesPerSecond * symbols.length);
    let next = 0;
    let due = this.opts.now() + everyMs;
    // One timer for all symbols; catches up after a slow tick so the rate holds on average.
    const tick = () => {
      const now = this.opts.now();
      // After a stall (a paused debugger, a busy CPU), skip ahead rather than burst.
      if (now - due > 1000) due = now;
      while (due <= now) {
        this.move(symbols[next]!);
        next = (next + 1) % symbols.length;
        due += everyMs;
      }
      this.timer = setTimeout(tick, Math.max(0, due - this.opts.now()));
    };
    this.timer = setTimeout(tick, everyMs);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** How many changes a topic carries, so a subscriber that got a later snapshot still sees each change. */
export const RECENT_IN_TOPIC = 64;

/** The JSON of a quote, as the polling API and the topic show it. */
export function quoteView(q: Quote) {
  return {
    object: 'quote' as const,
    symbol: q.symbol,
    name: q.name,
    currency: q.currency,
    price: q.price,
    open: q.open,
    change: q.change,
    seq: q.seq,
    updated_at: new Date(q.at).toISOString(),
    updated_at_ms: q.at,
  };
}

/** A strong validator that changes exactly when the price does. */
export function etagOf(q: Pick<Quote, 'symbol' | 'seq'>): string {
  return `"${q.symbol}-${q.seq}"`;
}

/** RFC 9110 If-None-Match: `*`, or a list of tags compared weakly (a `W/` prefix does not matter). */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const bare = (t: string) => t.trim().replace(/^W\//, '');
  return header.split(',').some((t) => bare(t) === bare(etag));
}
