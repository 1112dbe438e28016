// Exercise 06's guiding checks: S09's "kill the sender" fault, on an in-memory SQLite.
import { openDatabase, type SqliteClient } from '@hooklab/db';
import { type Checks, ensure, same, TodoError } from '../kit/check.ts';
import type * as Impl from './solution/place-order.ts';

type Ctx = { fresh: (impl: typeof Impl) => SqliteClient };

/** A receiver that records what it got; `down` makes every send fail like a killed connection. */
function receiver() {
  const got: string[] = [];
  const r = {
    down: false,
    got,
    send: async (e: Impl.OrderCreated) => {
      if (r.down) throw new Error('connect ECONNREFUSED 127.0.0.1:3003');
      got.push(e.order_id);
    },
  };
  return r;
}

const pending = (db: SqliteClient) =>
  (
    db.prepare('SELECT payload FROM outbox WHERE sent_at IS NULL ORDER BY seq').all() as { payload: string }[]
  ).map((r) => (JSON.parse(r.payload) as Impl.OrderCreated).order_id);
const orders = (db: SqliteClient) =>
  (db.prepare('SELECT id FROM orders ORDER BY id').all() as { id: string }[]).map((r) => r.id);

/** S09's loss counter: orders whose order.created neither arrived nor waits in the outbox. */
const lost = (db: SqliteClient, got: string[]) => {
  const known = new Set([...got, ...pending(db)]);
  return orders(db).filter((id) => !known.has(id));
};

async function attempt(fn: () => Promise<unknown>) {
  try {
    await fn();
  } catch (err) {
    // The shop's request handler would answer 500; what matters is what the database says.
    if (err instanceof TodoError) throw err;
  }
}

export const suite: Checks<typeof Impl, Ctx> = {
  async setup() {
    const opened: SqliteClient[] = [];
    return {
      ctx: {
        fresh(impl) {
          const { sqlite } = openDatabase({ file: ':memory:' });
          sqlite.exec(impl.SCHEMA);
          opened.push(sqlite);
          return sqlite;
        },
      },
      close: () => {
        for (const db of opened) db.close();
      },
    };
  },
  checks: [
    {
      name: 'kill the sender: the order commits and its order.created waits in the outbox',
      async run(impl, { fresh }) {
        const db = fresh(impl);
        const rx = receiver();
        rx.down = true;
        await attempt(() => impl.placeOrder(db, { id: 'ord_1', totalCents: 12000 }, rx.send));
        same(orders(db), ['ord_1'], 'the order must be placed even when logistics is down');
        ensure(
          lost(db, rx.got).length === 0,
          'the order ord_1 committed but its order.created is nowhere (not delivered, not in the outbox): S09 counts it as lost. Insert the event into the outbox in the same transaction as the order',
        );
      },
    },
    {
      name: 'the loss counter stays at zero over 20 orders with the sender failing every other time',
      async run(impl, { fresh }) {
        const db = fresh(impl);
        const rx = receiver();
        for (let i = 0; i < 20; i++) {
          rx.down = i % 2 === 1;
          await attempt(() =>
            impl.placeOrder(db, { id: `ord_${String(i).padStart(2, '0')}`, totalCents: 100 }, rx.send),
          );
        }
        same(lost(db, rx.got), [], 'lost orders (S09 loss counter) must be none');
      },
    },
    {
      name: 'an order that fails to insert leaves no event behind',
      async run(impl, { fresh }) {
        const db = fresh(impl);
        const rx = receiver();
        await impl.placeOrder(db, { id: 'ord_1', totalCents: 100 }, rx.send);
        await attempt(() => impl.placeOrder(db, { id: 'ord_1', totalCents: 999 }, rx.send));
        same(
          [rx.got, pending(db)],
          [['ord_1'], []],
          'the second ord_1 was refused (its id exists), yet an order.created for it went out or waits: order and event commit together or not at all',
        );
      },
    },
    {
      name: 'relay delivers what waited, oldest first, once',
      async run(impl, { fresh }) {
        const db = fresh(impl);
        const rx = receiver();
        rx.down = true;
        for (const id of ['ord_a', 'ord_b', 'ord_c'])
          await attempt(() => impl.placeOrder(db, { id, totalCents: 1 }, rx.send));
        rx.down = false;
        same(await impl.relay(db, rx.send), 3, 'relay returns how many it sent');
        same(
          rx.got,
          ['ord_a', 'ord_b', 'ord_c'],
          'the receiver gets every waiting event, in the order they were written',
        );
        same(
          await impl.relay(db, rx.send),
          0,
          'a second round sends nothing: mark a row sent (sent_at) once send() returned',
        );
      },
    },
    {
      name: 'relay keeps an event whose send failed',
      async run(impl, { fresh }) {
        const db = fresh(impl);
        const rx = receiver();
        rx.down = true;
        await attempt(() => impl.placeOrder(db, { id: 'ord_1', totalCents: 1 }, rx.send));
        await attempt(() => impl.relay(db, rx.send));
        same(
          pending(db),
          ['ord_1'],
          'a send that threw was not delivered: the row must stay unsent for the next round',
        );
      },
    },
  ],
};
