import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databaseFileFor, openDatabase } from '@hooklab/db';
import { createManualClock } from '@hooklab/webhooks';
import { afterAll, describe, expect, it } from 'vitest';
import { migrationsFolder } from './db/index.ts';
import { startTestServer } from './test-support.ts';

describe('payments on a database file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'payments-main-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps a scheduled bank-debit settlement across a restart, in the shared jobs table', async () => {
    const clock = createManualClock(Date.now());
    const env = { DATA_DIR: dir, PAYMENTS_PROCESSING_DELAY_MS: '60000' };
    const first = await startTestServer(env, { clock });
    const pi = await first.stripe().paymentIntents.create({
      amount: 4000,
      currency: 'usd',
      confirm: true,
      payment_method: 'pm_usBankAccount_success',
    });
    expect(pi.status).toBe('processing');
    expect(first.jobs.pending()).toBe(1);
    await first.close();

    clock.advance(60_000);
    const second = await startTestServer(env, { clock });
    await second.jobs.idle();
    expect((await second.stripe().paymentIntents.retrieve(pi.id)).status).toBe('succeeded');
    expect(second.jobs.pending()).toBe(0);
    await second.close();

    // The app's own tables of old are gone (migration 0001); the kit's replace them.
    const { sqlite, close } = openDatabase({ file: databaseFileFor('payments', dir) });
    const tables = sqlite
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
      .all()
      .map((t) => t.name);
    close();
    expect(tables).toContain('jobs_queue');
    expect(tables).toContain('idempotency_requests');
    expect(tables).not.toContain('jobs');
    expect(tables).not.toContain('idempotency_keys');
  });

  it('upgrades a database from before migration 0001: its pending job runs on the shared runner', async () => {
    const oldDir = mkdtempSync(join(tmpdir(), 'payments-0000-'));
    const clock = createManualClock(Date.now());
    const env = { DATA_DIR: oldDir, PAYMENTS_PROCESSING_DELAY_MS: '60000' };
    const first = await startTestServer(env, { clock });
    const pi = await first.stripe().paymentIntents.create({
      amount: 4000,
      currency: 'usd',
      confirm: true,
      payment_method: 'pm_usBankAccount_success',
    });
    await first.close();

    // Back to the shape 0000 left: the app's own tables, the job in `jobs`, 0001 not applied.
    const { sqlite, close } = openDatabase({ file: databaseFileFor('payments', oldDir) });
    const v0 = readFileSync(join(migrationsFolder, '0000_striped_molecule_man.sql'), 'utf8');
    for (const stmt of v0.split('--> statement-breakpoint'))
      if (/CREATE TABLE `(jobs|idempotency_keys)`/.test(stmt)) sqlite.exec(stmt);
    sqlite.exec('DELETE FROM jobs_queue');
    sqlite
      .prepare(
        "INSERT INTO jobs (id, account_id, kind, object_id, run_at, status) VALUES ('job_old', 'acct_hooklab', 'payment_intent.settle', ?, ?, 'pending')",
      )
      .run(pi.id, clock.now() + 60_000);
    sqlite.exec(
      'DELETE FROM __drizzle_migrations WHERE created_at = (SELECT max(created_at) FROM __drizzle_migrations)',
    );
    close();

    clock.advance(60_000);
    const second = await startTestServer(env, { clock });
    await second.jobs.idle();
    expect((await second.stripe().paymentIntents.retrieve(pi.id)).status).toBe('succeeded');
    await second.close();
    rmSync(oldDir, { recursive: true, force: true });
  });
});
