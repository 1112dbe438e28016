import type { AddressInfo } from 'node:net';
import type { Logger } from '@hooklab/service';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import { type Envelope, MessageRejected } from '../domain/messages.ts';

/** What the sink hands a message to; it throws MessageRejected to refuse it with that reply. */
export type MessageHandler = (raw: Buffer, envelope: Envelope) => Promise<string>;

export interface SmtpSinkOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  maxBytes: number;
  maxRecipients: number;
  onMessage: MessageHandler;
  /** Told of a message refused for its size, after the 552 reply is decided. */
  onOversize?: (envelope: Envelope, bytes: number) => void;
  logger?: Logger | undefined;
  /** True while the sink plays "SMTP down" (the console's switch): every connection gets a 421 and is closed. */
  isDown?: () => boolean;
  /** Told of each connection refused while down. */
  onRefusedWhileDown?: () => void;
}

export interface SmtpSink {
  /** The port really bound. */
  port: number;
  close(): Promise<void>;
}

/** RFC 5321 §4.5.3.1: a local part is at most 64 octets, a path 256 (so an address at most 254). */
function tooLong(address: string): boolean {
  return address.length > 254 || address.lastIndexOf('@') > 64;
}

const envelopeOf = (from: SMTPServerAddress | false, to: SMTPServerAddress[]): Envelope => ({
  from: from ? from.address : '',
  to: to.map((r) => r.address),
});

const refuse = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

/**
 * The SMTP side of the mailbox: a sink that takes mail from anyone (no AUTH, no STARTTLS), announces its
 * size limit (SIZE), and answers bad input with the reply an MTA would give. smtp-server itself answers
 * syntax errors (501), too many recipients (452), DATA without RCPT (503) and oversize (552).
 */
export function startSmtpSink(opts: SmtpSinkOptions): Promise<SmtpSink> {
  const server = new SMTPServer({
    name: 'mailbox.hooklab.localhost',
    banner: 'Hooklab mailbox: a sink, every message is kept and shown in the inbox',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: opts.maxBytes,
    rejectOversized: true,
    maxRecipients: opts.maxRecipients,
    logger: false,
    // A sink on loopback: a DNS lookup per connection would only slow tests down.
    disableReverseLookup: true,
    closeTimeout: 2000,
    onConnect(_session, callback) {
      if (!opts.isDown?.()) return callback();
      opts.onRefusedWhileDown?.();
      // 421 is what a sender retries: the mail is not lost, only delayed until the switch is flipped back.
      callback(
        refuse(421, 'Service not available, closing transmission channel (SMTP down: injected fault)'),
      );
    },
    onMailFrom(address, _session, callback) {
      if (tooLong(address.address))
        return callback(
          refuse(553, '5.1.7 Sender address too long (local part over 64 or address over 254 characters)'),
        );
      callback();
    },
    onRcptTo(address, _session, callback) {
      if (tooLong(address.address))
        return callback(
          refuse(553, '5.1.3 Recipient address too long (local part over 64 or address over 254 characters)'),
        );
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        // Past the limit the rest is only drained: smtp-server answers 552 once it ends.
        if (!stream.sizeExceeded) chunks.push(chunk);
      });
      stream.on('error', (err) => callback(err));
      stream.on('end', () => {
        const envelope = envelopeOf(session.envelope.mailFrom, session.envelope.rcptTo);
        if (stream.sizeExceeded) {
          opts.onOversize?.(envelope, stream.byteLength);
          return callback(null);
        }
        opts.onMessage(Buffer.concat(chunks), envelope).then(
          (reply) => callback(null, reply),
          (err: unknown) => {
            if (err instanceof MessageRejected) return callback(refuse(err.responseCode, err.message));
            opts.logger?.error({ err }, 'could not store a message');
            callback(refuse(451, '4.3.0 Could not store the message, try again later'));
          },
        );
      });
    },
  });
  server.on('error', (err) => opts.logger?.warn({ err }, 'smtp connection error'));
  return new Promise((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.server.off('error', reject);
      const { port } = server.server.address() as AddressInfo;
      let closing: Promise<void> | undefined;
      resolve({
        port,
        close: () => {
          closing ??= new Promise<void>((done) => server.close(() => done()));
          return closing;
        },
      });
    });
  });
}
