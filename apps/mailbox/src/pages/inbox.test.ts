import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import type { RunningMailbox } from '../main.ts';
import { asDev, deliver, startTestMailbox, testContext, transportTo } from '../test-support.ts';

const browser = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
const EVIL =
  '<p>Hi</p><script>parent.document.title="pwned"</script><img src="https://tracker.example/p.gif">';

const running: RunningMailbox[] = [];
afterEach(async () => {
  for (const m of running.splice(0)) await m.close();
});

/** The directives of a Content-Security-Policy header, by name. */
function directives(csp: string | null): Map<string, string> {
  return new Map(
    (csp ?? '')
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [name, ...rest] = d.split(/\s+/);
        return [name!, rest.join(' ')] as [string, string];
      }),
  );
}

describe('the inbox pages', () => {
  it('list the messages, with a policy that lets only the page’s own nonce’d script run', async () => {
    const ctx = testContext();
    await deliver(ctx, { subject: 'Order <confirmed>', text: 'Linen dress' });
    const res = await asDev(createApp(ctx))('/', { headers: browser });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Order &lt;confirmed&gt;');
    const csp = directives(res.headers.get('content-security-policy'));
    expect(csp.get('default-src')).toBe("'none'");
    const nonce = /^'nonce-([0-9a-f]{32})'$/.exec(csp.get('script-src') ?? '')?.[1];
    expect(nonce).toBeDefined();
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
    expect(scripts).toEqual([` nonce="${nonce}"`]);
    expect(html).toContain("new EventSource('/api/v1/events')");
  });

  it('search with ?q= (and then do not follow live arrivals, which may not match)', async () => {
    const ctx = testContext();
    await deliver(ctx, { subject: 'Order confirmed', text: 'Linen dress' });
    await deliver(ctx, { subject: 'Pick list', text: 'Warehouse' });
    const html = await (await asDev(createApp(ctx))('/?q=linen', { headers: browser })).text();
    expect(html).toContain('Order confirmed');
    expect(html).not.toContain('Pick list');
    expect(html).not.toContain('<script');
  });

  it('show a message in HTML, text, headers and raw tabs', async () => {
    const ctx = testContext();
    const id = await deliver(ctx, {
      subject: 'Shipped',
      text: 'Your parcel is on its way.',
      html: '<p>Your parcel is <b>on its way</b>.</p>',
      headers: { 'X-Order': 'ord_42' },
    });
    const app = asDev(createApp(ctx));
    const tab = async (t: string) => (await app(`/messages/${id}?tab=${t}`, { headers: browser })).text();
    expect(await tab('html')).toContain(`src="/messages/${id}/body"`);
    expect(await tab('text')).toContain('<pre>Your parcel is on its way.');
    expect(await tab('headers')).toMatch(/<th>x-order<\/th><td>ord_42<\/td>/);
    expect(await tab('raw')).toContain('Subject: Shipped');
    const body = await app(`/messages/${id}/body`);
    expect(await body.text()).toBe('<p>Your parcel is <b>on its way</b>.</p>');
  });

  it('never run a script in a message: sandboxed frame without allow-scripts, body served with script-free CSP', async () => {
    const ctx = testContext();
    const id = await deliver(ctx, { subject: 'Evil', html: EVIL });
    const app = asDev(createApp(ctx));
    const view = await (await app(`/messages/${id}`, { headers: browser })).text();
    // The message's markup is not in the page itself, only behind the frame.
    expect(view).not.toContain('pwned');
    const frame = /<iframe([^>]*)>/.exec(view)?.[1] ?? '';
    expect(frame).toContain('sandbox=""');
    expect(frame).toContain(`src="/messages/${id}/body"`);

    const body = await app(`/messages/${id}/body`);
    expect(await body.text()).toContain('<script>parent.document.title="pwned"</script>');
    const csp = directives(body.headers.get('content-security-policy'));
    expect(csp.get('default-src')).toBe("'none'");
    expect(csp.has('script-src')).toBe(false);
    expect(csp.has('sandbox')).toBe(true);
    expect(csp.get('sandbox')).toBe('');
    // Remote images are blocked by default, allowed only when asked for.
    expect(csp.get('img-src')).toBe('data:');
    const remote = await app(`/messages/${id}/body?images=remote`);
    expect(directives(remote.headers.get('content-security-policy')).get('img-src')).toBe(
      'data: https: http:',
    );
    expect(directives(remote.headers.get('content-security-policy')).has('script-src')).toBe(false);
    expect(body.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('answer a browser with an HTML error page, an API client with problem+json', async () => {
    const app = asDev(createApp(testContext()));
    const page = await app('/messages/msg_nope', { headers: browser });
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('There is no message msg_nope in the mailbox.');
    const api = await app('/messages/msg_nope');
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toBe('application/problem+json');
  });

  it('hear a new message as it arrives over SMTP (the live stream the page listens to)', async () => {
    const m = await startTestMailbox();
    running.push(m);
    const abort = new AbortController();
    const res = await fetch(`${m.url}/api/v1/events`, { signal: abort.signal });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let seen = '';
    const until = async (text: string) => {
      while (!seen.includes(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${text}`);
        seen += value;
      }
    };
    await until('event: ready');
    await transportTo(m).sendMail({
      from: 'shop@hooklab.test',
      to: 'ada@example.test',
      subject: 'Live one',
      text: 'x',
    });
    await until('event: message');
    await until('Live one');
    const block = seen.split('\n\n').find((b) => b.includes('event: message'))!;
    const field = (name: string) => new RegExp(`^${name}: (.*)$`, 'm').exec(block)?.[1];
    expect(field('id')).toMatch(/^msg_[0-9a-f]{24}$/);
    expect(JSON.parse(field('data')!)).toMatchObject({ id: field('id'), subject: 'Live one' });
    abort.abort();
  });
});
