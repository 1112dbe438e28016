import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningMailbox } from '../main.ts';
import { SmtpDialogue, startTestMailbox, transportTo } from '../test-support.ts';

const running: RunningMailbox[] = [];
const dialogues: SmtpDialogue[] = [];
afterEach(async () => {
  for (const d of dialogues.splice(0)) d.close();
  for (const m of running.splice(0)) await m.close();
});

async function mailbox(env: Record<string, string> = {}) {
  const m = await startTestMailbox(env);
  running.push(m);
  return m;
}

async function dialogue(m: RunningMailbox) {
  const { smtp, greeting } = await SmtpDialogue.open(m.smtpPort);
  dialogues.push(smtp);
  expect(greeting.code).toBe(220);
  expect((await smtp.send('EHLO client.test')).code).toBe(250);
  return smtp;
}

async function list(m: RunningMailbox, query = '') {
  const res = await fetch(`${m.url}/api/v1/messages${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as {
    total: number;
    data: { id: string; subject: string; to: { address: string }[]; trace_id: string; sender: string }[];
  };
}

describe('the SMTP sink', () => {
  it('takes a message from nodemailer and shows it in the API and on the inbox page', async () => {
    const m = await mailbox();
    const info = await transportTo(m).sendMail({
      from: '"Atelier" <shop@hooklab.test>',
      to: 'Ada Lovelace <ada@example.test>',
      cc: 'ops@atelier.test',
      subject: 'Your order ord_123 is confirmed',
      text: 'Thank you for your order.',
      html: '<p>Thank you for <b>your order</b>.</p>',
      attachments: [{ filename: 'receipt.txt', content: 'paid 25.00 EUR' }],
    });
    expect(info.accepted).toEqual(['ada@example.test', 'ops@atelier.test']);
    expect(info.response).toMatch(/^250 OK: message queued as msg_[0-9a-f]{24}$/);

    const page = await list(m);
    expect(page.total).toBe(1);
    const id = page.data[0]!.id;
    const one = (await (await fetch(`${m.url}/api/v1/messages/${id}`)).json()) as Record<string, unknown>;
    expect(one).toMatchObject({
      subject: 'Your order ord_123 is confirmed',
      from: { name: 'Atelier', address: 'shop@hooklab.test' },
      to: [{ name: 'Ada Lovelace', address: 'ada@example.test' }],
      cc: [{ name: '', address: 'ops@atelier.test' }],
      envelope: { from: 'shop@hooklab.test', to: ['ada@example.test', 'ops@atelier.test'] },
      text: 'Thank you for your order.',
      html: '<p>Thank you for <b>your order</b>.</p>',
      attachments: [{ filename: 'receipt.txt', content_type: 'text/plain', size: 14 }],
      message_id: info.messageId,
    });
    const raw = await (await fetch(`${m.url}/api/v1/messages/${id}/raw`)).text();
    expect(raw).toContain('Subject: Your order ord_123 is confirmed');

    const inbox = await (await fetch(`${m.url}/`)).text();
    expect(inbox).toContain('Your order ord_123 is confirmed');
    expect(inbox).toContain(`/messages/${id}`);
  });

  it('announces SIZE and neither AUTH nor STARTTLS, and tells the bound port in /api/v1/info', async () => {
    const m = await mailbox({ MAILBOX_MAX_BYTES: '4096' });
    const { smtp } = await SmtpDialogue.open(m.smtpPort);
    dialogues.push(smtp);
    const ehlo = await smtp.send('EHLO client.test');
    expect(ehlo.text).toMatch(/^250[- ]SIZE 4096$/m);
    expect(ehlo.text).not.toMatch(/STARTTLS|AUTH/);
    const info = await (await fetch(`${m.url}/api/v1/info`)).json();
    expect(info).toMatchObject({
      service: 'mailbox',
      smtp: { port: m.smtpPort, url: `smtp://127.0.0.1:${m.smtpPort}` },
      limits: { max_message_bytes: 4096 },
    });
    expect(m.smtpPort).toBeGreaterThan(0);
  });

  it('refuses a message over MAILBOX_MAX_BYTES with 552 and stores nothing of it', async () => {
    const m = await mailbox({ MAILBOX_MAX_BYTES: '2048' });
    const transport = transportTo(m);
    await expect(
      transport.sendMail({
        from: 'shop@hooklab.test',
        to: 'ada@example.test',
        subject: 'big',
        text: 'x'.repeat(8000),
      }),
    ).rejects.toMatchObject({ responseCode: 552 });
    // Declared up front with MAIL FROM's SIZE parameter, it is refused before DATA.
    const smtp = await dialogue(m);
    expect((await smtp.send('MAIL FROM:<shop@hooklab.test> SIZE=999999')).code).toBe(552);
    // The witness: a small message after it is the only one stored.
    await transport.sendMail({
      from: 'shop@hooklab.test',
      to: 'ada@example.test',
      subject: 'small',
      text: 'ok',
    });
    const page = await list(m);
    expect(page.data.map((d) => d.subject)).toEqual(['small']);
    const emails = m.recorder.list().filter((e) => e.kind === 'email');
    expect(emails.map((e) => e.status)).toEqual([552, 250]);
  });

  it('answers malformed addresses, too many recipients and a missing RCPT with clear replies', async () => {
    const m = await mailbox({ MAILBOX_MAX_RECIPIENTS: '2' });
    const smtp = await dialogue(m);
    expect((await smtp.send('MAIL FROM:shop@hooklab.test')).code).toBe(501);
    expect((await smtp.send('MAIL FROM:<not an address>')).code).toBe(501);
    expect((await smtp.send(`MAIL FROM:<${'a'.repeat(65)}@hooklab.test>`)).code).toBe(553);
    expect((await smtp.send('MAIL FROM:<shop@hooklab.test>')).code).toBe(250);
    expect((await smtp.send('DATA')).code).toBe(503);
    expect((await smtp.send('RCPT TO:<@@example.test>')).code).toBe(501);
    expect((await smtp.send(`RCPT TO:<${'b'.repeat(65)}@example.test>`)).code).toBe(553);
    expect((await smtp.send('RCPT TO:<one@example.test>')).code).toBe(250);
    expect((await smtp.send('RCPT TO:<two@example.test>')).code).toBe(250);
    const third = await smtp.send('RCPT TO:<three@example.test>');
    expect(third.code).toBe(452);
    expect(third.text).toMatch(/too many recipients/);
    expect((await smtp.send('DATA')).code).toBe(354);
    expect((await smtp.sendData('Subject: still fine\r\n\r\nTwo recipients kept.')).code).toBe(250);
    const page = await list(m);
    expect(page.data.map((d) => d.subject)).toEqual(['still fine']);
  });

  it('refuses a message that does not parse (no header fields) with 554, and goes on serving', async () => {
    const m = await mailbox();
    const smtp = await dialogue(m);
    expect((await smtp.send('MAIL FROM:<shop@hooklab.test>')).code).toBe(250);
    expect((await smtp.send('RCPT TO:<ada@example.test>')).code).toBe(250);
    expect((await smtp.send('DATA')).code).toBe(354);
    const refused = await smtp.sendData('\r\njust a body, no header at all');
    expect(refused.code).toBe(554);
    expect(refused.text).toMatch(/5\.6\.0 .*no header fields/);
    // The same connection goes on: the next message is stored.
    expect((await smtp.send('MAIL FROM:<shop@hooklab.test>')).code).toBe(250);
    expect((await smtp.send('RCPT TO:<ada@example.test>')).code).toBe(250);
    expect((await smtp.send('DATA')).code).toBe(354);
    expect((await smtp.sendData('Subject: after\r\n\r\nfine')).code).toBe(250);
    expect((await list(m)).data.map((d) => d.subject)).toEqual(['after']);
  });

  it('takes two messages sent at once, on two connections', async () => {
    const m = await mailbox();
    const send = (n: number) =>
      transportTo(m).sendMail({
        from: 'shop@hooklab.test',
        to: `c${n}@example.test`,
        subject: `m${n}`,
        text: `${n}`,
      });
    const [a, b] = await Promise.all([send(1), send(2)]);
    expect(a.response).not.toBe(b.response);
    const page = await list(m);
    expect(page.data.map((d) => d.subject).sort()).toEqual(['m1', 'm2']);
  });

  it('records each arrival as an email exchange from the sending service, in the trace it was sent in', async () => {
    const m = await mailbox();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await transportTo(m).sendMail({
      from: 'notifications@atelier.test',
      to: 'ada@example.test',
      subject: 'Shipped',
      text: 'On its way.',
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01`, 'X-Hooklab-From': 'notifier' },
    });
    const [e] = m.recorder.list().filter((x) => x.kind === 'email');
    expect(e).toMatchObject({
      kind: 'email',
      direction: 'in',
      from: 'notifier',
      to: 'mailbox',
      method: 'SMTP',
      status: 250,
      traceId,
      parentSpanId: '00f067aa0ba902b7',
    });
    expect(e!.requestHeaders.subject).toBe('Shipped');
    expect((await list(m)).data[0]).toMatchObject({ sender: 'notifier', trace_id: traceId });
  });

  it('stops listening for SMTP when the app closes', async () => {
    const m = await startTestMailbox();
    await m.close();
    const refused = await new Promise<string>((resolve) => {
      const s = connect(m.smtpPort, '127.0.0.1');
      s.on('connect', () => {
        s.destroy();
        resolve('connected');
      });
      s.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
  });
});
