// "SMTP down", the console's switch: the kit's receiver fault `down` on the mailbox stops it taking mail
// (421 at connect, which senders retry) until it is switched back; outside dev mode there is no switch.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningMailbox } from '../main.ts';
import { SmtpDialogue, startTestMailbox, transportTo } from '../test-support.ts';

const running: RunningMailbox[] = [];
afterEach(async () => {
  for (const m of running.splice(0)) await m.close();
});

const control = (m: RunningMailbox, mode: 'down' | 'none') =>
  fetch(`${m.url}/_hooklab/control`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ receiver: { mode } }),
  });

const total = async (m: RunningMailbox) =>
  ((await (await fetch(`${m.url}/api/v1/messages`)).json()) as { total: number }).total;

describe('SMTP down (the control API’s receiver fault)', () => {
  it('refuses every connection with a 421 while down, counts it, and takes mail again once switched back', async () => {
    const m = await startTestMailbox();
    running.push(m);
    expect((await control(m, 'down')).status).toBe(200);

    const { smtp, greeting } = await SmtpDialogue.open(m.smtpPort);
    smtp.close();
    expect(greeting.code).toBe(421);
    const refused = await transportTo(m)
      .sendMail({ from: 'shop@hooklab.test', to: 'ada@example.test', subject: 'while down', text: 'x' })
      .then(
        () => null,
        (err: { responseCode?: number }) => err,
      );
    expect(refused?.responseCode).toBe(421);
    const snap = (await (await fetch(`${m.url}/_hooklab/control`)).json()) as {
      receiver: { mode: string; affected: number };
    };
    expect(snap.receiver).toMatchObject({ mode: 'down', affected: 2 });
    expect(await total(m)).toBe(0);

    expect((await control(m, 'none')).status).toBe(200);
    const info = await transportTo(m).sendMail({
      from: 'shop@hooklab.test',
      to: 'ada@example.test',
      subject: 'after',
      text: 'x',
    });
    expect(info.accepted).toEqual(['ada@example.test']);
    expect(await total(m)).toBe(1);
  });

  it('has no switch outside dev mode: the control API is not there and mail is taken', async () => {
    const m = await startTestMailbox({ HOOKLAB_DEV: '0' });
    running.push(m);
    expect((await control(m, 'down')).status).toBe(404);
    const info = await transportTo(m).sendMail({ from: 'a@hooklab.test', to: 'b@example.test', text: 'x' });
    expect(info.accepted).toEqual(['b@example.test']);
  });
});
