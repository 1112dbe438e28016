// Exercise 04's guiding checks, on an in-memory SQLite with the shop's inbox table and a `paid` table.
import { openDatabase, type SqliteClient } from '@hooklab/db';
import { type Checks, ensure, same } from '../kit/check.ts';
import type * as Impl from './solution/idempotent-receiver.ts';

type Ctx = { fresh: (impl: typeof Impl) => SqliteClient };

const msg = (id = 'evt_1', source = 'stripe') => ({
  source,
  id,
  type: 'payment_intent.succeeded',
  receivedAt: 1,
});
const count = (db: SqliteClient, table: string) =>
  (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

/** The effect: mark the order paid (a row in `paid`). */
const pay =
  (db: SqliteClient, orderId = 'ord_1') =>
  () =>
    db.prepare('INSERT INTO paid (order_id) VALUES (?)').run(orderId).changes;

export const suite: Checks<typeof Impl, Ctx> = {
  async setup() {
    const opened: SqliteClient[] = [];
    return {
      ctx: {
        fresh(impl) {
          const { sqlite } = openDatabase({ file: ':memory:' });
          sqlite.exec(impl.INBOX_DDL);
          sqlite.exec('CREATE TABLE paid (order_id TEXT NOT NULL)');
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
      name: 'the same event three times: one effect',
      run(impl, { fresh }) {
        const db = fresh(impl);
        for (let i = 0; i < 3; i++) impl.handleOnce(db, msg(), pay(db));
        const n = count(db, 'paid');
        ensure(
          n === 1,
          `the same event arrived 3 times and your effect ran ${n} times: remember the event id and skip the effect when rememberEvent says it is not new`,
        );
      },
    },
    {
      name: 'rememberEvent says whether the id is new',
      run(impl, { fresh }) {
        const db = fresh(impl);
        same(impl.rememberEvent(db, msg()), true, 'the first time an id is seen, rememberEvent returns true');
        same(
          impl.rememberEvent(db, msg()),
          false,
          'the second time, rememberEvent returns false (use the changes count of the INSERT; a SELECT first would race)',
        );
        same(
          impl.rememberEvent(db, msg('evt_1', 'logistics')),
          true,
          'the same id from another sender is another message: key the inbox by (source, id)',
        );
      },
    },
    {
      name: 'a duplicate is answered as one ({ duplicate: true })',
      run(impl, { fresh }) {
        const db = fresh(impl);
        same(
          impl.handleOnce(db, msg(), pay(db)),
          { duplicate: false, result: 1 },
          'the first delivery applies the effect',
        );
        same(
          impl.handleOnce(db, msg(), pay(db)),
          { duplicate: true },
          'a redelivery is still a success for the sender (answer 2xx), marked duplicate: the console draws it as one',
        );
      },
    },
    {
      name: 'an effect that fails leaves no inbox row (the retry can apply it)',
      run(impl, { fresh }) {
        const db = fresh(impl);
        try {
          impl.handleOnce(db, msg(), () => {
            throw new Error('database is locked');
          });
        } catch {
          // the receiver answers 500; the sender will retry
        }
        same(
          count(db, 'inbox'),
          0,
          "the effect failed but the event id stayed in the inbox: the sender's retry will be skipped as a duplicate and the payment is lost. Run rememberEvent and the effect in one transaction",
        );
        impl.handleOnce(db, msg(), pay(db));
        same(count(db, 'paid'), 1, 'the retry after a failed effect applies it');
      },
    },
    {
      name: 'an effect that fails halfway leaves nothing half-done',
      run(impl, { fresh }) {
        const db = fresh(impl);
        try {
          impl.handleOnce(db, msg(), () => {
            pay(db)();
            throw new Error('crashed after the first write');
          });
        } catch {
          // as above
        }
        same(
          [count(db, 'paid'), count(db, 'inbox')],
          [0, 0],
          'the effect wrote, then threw: its write must roll back with the inbox row (one transaction around both)',
        );
      },
    },
  ],
};
