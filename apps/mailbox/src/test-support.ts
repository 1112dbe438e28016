// Fixtures for mailbox's tests: a context on an in-memory database, a running mailbox (HTTP + SMTP on free
// ports), a nodemailer transport to it, and a line-by-line SMTP client for the dialogues nodemailer will not have.
import { connect, type Socket } from 'node:net';
import { ExchangeRecorder } from '@hooklab/service';
import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import type Mail from 'nodemailer/lib/mailer';
import { mailboxConfigSchema } from './config.ts';
import { createMailboxContext, type MailboxContext, receiveDepsOf } from './context.ts';
import { openMailboxDatabase } from './db/index.ts';
import { listMessages } from './domain/messages.ts';
import { receiveMessage } from './domain/receive.ts';
import { type RunningMailbox, start } from './main.ts';

export const DEV_TOKEN = 'mailbox-test-dev-token-0123456789';

/** `app.request` as a holder of the dev token (requests without a socket are not "from this machine"). */
export function asDev(app: { request: (path: string, init?: RequestInit) => Response | Promise<Response> }) {
  return (path: string, init: RequestInit = {}) =>
    app.request(path, {
      ...init,
      headers: { 'x-hooklab-dev-token': DEV_TOKEN, ...(init.headers as Record<string, string>) },
    });
}

/** A context for `app.request()` tests; `env` overrides the config (e.g. `{ HOOKLAB_DEV: '0' }`). */
export function testContext(env: Record<string, string> = {}): MailboxContext {
  const config = mailboxConfigSchema.parse({
    HOOKLAB_DEV: '1',
    HOOKLAB_DEV_TOKEN: DEV_TOKEN,
    LOG_LEVEL: 'silent',
    ...env,
  });
  const { db, sqlite } = openMailboxDatabase(':memory:');
  return createMailboxContext({ config, db, sqlite, recorder: new ExchangeRecorder('mailbox') });
}

/** A whole mailbox on free ports, in memory; close it after the test. */
export function startTestMailbox(env: Record<string, string> = {}): Promise<RunningMailbox> {
  return start({
    PORT: '0',
    SMTP_PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    HOOKLAB_DEV: '1',
    DATA_DIR: ':memory:',
    ...env,
  });
}

/** nodemailer, as the apps' mailto: transport uses it, pointed at the mailbox. */
export function transportTo(mailbox: RunningMailbox) {
  return nodemailer.createTransport({
    host: '127.0.0.1',
    port: mailbox.smtpPort,
    secure: false,
    ignoreTLS: true,
  });
}

export interface Reply {
  code: number;
  text: string;
}

/** A bare SMTP client: send one line (or a DATA body), get the server's whole reply. */
export class SmtpDialogue {
  private buffer = '';
  private waiting: ((r: Reply) => void) | undefined;
  private readonly replies: Reply[] = [];

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      // A reply ends with a line whose code is followed by a space (RFC 5321 §4.2.1).
      let m: RegExpExecArray | null;
      // biome-ignore lint/suspicious/noAssignInExpressions: reading replies off a buffer
      while ((m = /^((?:\d{3}-[^\r\n]*\r\n)*)(\d{3}) ([^\r\n]*)\r\n/.exec(this.buffer))) {
        this.buffer = this.buffer.slice(m[0].length);
        const reply = { code: Number(m[2]), text: `${m[1] ?? ''}${m[2]} ${m[3]}` };
        const w = this.waiting;
        this.waiting = undefined;
        if (w) w(reply);
        else this.replies.push(reply);
      }
    });
  }

  static async open(port: number): Promise<{ smtp: SmtpDialogue; greeting: Reply }> {
    const socket = connect(port, '127.0.0.1');
    const smtp = new SmtpDialogue(socket);
    return { smtp, greeting: await smtp.next() };
  }

  next(): Promise<Reply> {
    const r = this.replies.shift();
    if (r) return Promise.resolve(r);
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  send(line: string): Promise<Reply> {
    this.socket.write(`${line}\r\n`);
    return this.next();
  }

  /** DATA's body, dot-stuffed and ended with `.`; resolves with the reply to the whole message. */
  sendData(body: string): Promise<Reply> {
    const stuffed = body.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
    this.socket.write(`${stuffed}${stuffed.endsWith('\r\n') ? '' : '\r\n'}.\r\n`);
    return this.next();
  }

  close(): void {
    this.socket.end('QUIT\r\n');
  }
}

/** A raw RFC 5322 message built by nodemailer's composer (what its SMTP transport would send). */
export async function compose(mail: Mail.Options): Promise<Buffer> {
  return new MailComposer({ from: 'shop@hooklab.test', to: 'ada@example.test', ...mail }).compile().build();
}

/** Stores a message as if it came in over SMTP (parse, store, record), without a socket. */
export async function deliver(ctx: MailboxContext, mail: Mail.Options = {}): Promise<string> {
  const raw = await compose(mail);
  const to = [mail.to ?? 'ada@example.test'].flat().map(String);
  await receiveMessage(receiveDepsOf(ctx), raw, { from: 'shop@hooklab.test', to });
  return listMessages(ctx.db, { limit: 1 }).data[0]!.id;
}
