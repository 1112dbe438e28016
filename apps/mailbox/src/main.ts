import { databaseFileFor } from '@hooklab/db';
import { appControl, appRuntime, isMemoryDataDir, type RunningApp, type StartApp } from '@hooklab/service';
import { createApp } from './app.ts';
import { loadMailboxConfig } from './config.ts';
import { createMailboxContext, receiveDepsOf, smtpUrlOf } from './context.ts';
import { openMailboxDatabase } from './db/index.ts';
import { receiveMessage, recordOversize } from './domain/receive.ts';
import { startSmtpSink } from './smtp/sink.ts';

/** A running mailbox: the HTTP app plus the SMTP port it really bound. */
export interface RunningMailbox extends RunningApp {
  smtpPort: number;
  smtpUrl: string;
}

/** Starts mailbox: config → db (+ migrations) → context → SMTP sink → serve. close() stops both. */
export const start = (async (env, opts = {}): Promise<RunningMailbox> => {
  const config = loadMailboxConfig(env);
  const runtime = appRuntime('mailbox', env, config);
  const { logger, recorder } = runtime;
  const file = isMemoryDataDir(config.DATA_DIR) ? ':memory:' : databaseFileFor('mailbox', config.DATA_DIR);
  const database = openMailboxDatabase(file);
  let boundSmtpPort = config.SMTP_PORT;
  const ctx = createMailboxContext({
    config,
    db: database.db,
    sqlite: database.sqlite,
    recorder,
    logger,
    smtpPort: () => boundSmtpPort,
  });
  const receive = receiveDepsOf(ctx);
  // Dev mode: the console's "SMTP down" switch is this app's receiver fault `down` (its receiver is SMTP).
  const control = appControl(recorder);
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  try {
    smtp = await startSmtpSink({
      host: config.HOST,
      port: config.SMTP_PORT,
      maxBytes: config.MAILBOX_MAX_BYTES,
      maxRecipients: config.MAILBOX_MAX_RECIPIENTS,
      logger,
      onMessage: (raw, envelope) => receiveMessage(receive, raw, envelope),
      onOversize: (envelope, bytes) => recordOversize(receive, envelope, bytes, config.MAILBOX_MAX_BYTES),
      isDown: () => config.HOOKLAB_DEV && control.receiver.mode === 'down',
      onRefusedWhileDown: () => control.hit(),
    });
  } catch (err) {
    database.close();
    throw err;
  }
  boundSmtpPort = smtp.port;
  let server: Awaited<ReturnType<typeof runtime.serve>>;
  try {
    server = await runtime.serve(createApp(ctx), {
      handleSignals: opts.handleSignals,
      // No new mail first, then the database.
      onShutdown: [() => smtp.close(), () => database.close()],
    });
  } catch (err) {
    await smtp.close();
    database.close();
    throw err;
  }
  return { ...runtime.running(server), smtpPort: smtp.port, smtpUrl: smtpUrlOf(ctx) };
}) satisfies StartApp;
