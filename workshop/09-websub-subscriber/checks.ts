// Exercise 09's guiding checks; the signatures come from the engine's own WebSub signer (signHub).
import { signHub } from '@hooklab/webhooks';
import { type Checks, ensure, same } from '../kit/check.ts';
import type * as Impl from './solution/websub-subscriber.ts';

const TOPIC = 'http://localhost:3005/topics/HOOK';
const NOW = 1_733_390_000_000;
const q = (params: Record<string, string>) => new URLSearchParams(params);
const verify = (mode: string, topic = TOPIC) =>
  q({ 'hub.mode': mode, 'hub.topic': topic, 'hub.challenge': 'c-123', 'hub.lease_seconds': '600' });
const BODY = '{"symbol":"HOOK","price":"12.34"}';
const SECRET = 'hub-secret-of-this-subscription';
const sig = (algorithm: 'sha1' | 'sha256' | 'sha512', secret = SECRET, body = BODY) =>
  signHub({ algorithm, body, secrets: secret })['X-Hub-Signature'];
const withoutComments = (source: string) => source.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');

export const suite: Checks<typeof Impl> = {
  checks: [
    {
      name: 'confirms a pending subscription: the challenge, and when its lease ends',
      run(impl) {
        same(
          impl.answerVerification(verify('subscribe'), [{ mode: 'subscribe', topic: TOPIC }], NOW),
          { status: 200, body: 'c-123', lease: { topic: TOPIC, expiresAt: NOW + 600_000 } },
          'answer 200 with hub.challenge as the whole body, and keep when the lease (hub.lease_seconds) ends',
        );
      },
    },
    {
      name: 'refuses to confirm what it did not ask for',
      run(impl) {
        const r = impl.answerVerification(
          verify('subscribe', 'http://evil.example/firehose'),
          [{ mode: 'subscribe', topic: TOPIC }],
          NOW,
        );
        ensure(
          r.status === 404 && r.body !== 'c-123',
          `a verification for a topic you never asked for was confirmed (${r.status}): anyone could subscribe your callback to anything. Answer 404 unless the topic is pending`,
        );
        const unsub = impl.answerVerification(
          verify('unsubscribe'),
          [{ mode: 'subscribe', topic: TOPIC }],
          NOW,
        );
        same(
          unsub.status,
          404,
          'an unsubscribe you did not ask for (only a subscribe is pending) must not be confirmed either: match the mode too',
        );
        const bare = impl.answerVerification(
          q({ 'hub.mode': 'subscribe', 'hub.topic': TOPIC }),
          [{ mode: 'subscribe', topic: TOPIC }],
          NOW,
        );
        ensure(
          bare.status >= 400 && bare.status < 500,
          'no hub.challenge: there is nothing to echo, answer 4xx',
        );
        same(
          impl.answerVerification(
            q({ 'hub.mode': 'denied', 'hub.topic': TOPIC, 'hub.reason': 'no' }),
            [],
            NOW,
          ).status,
          200,
          'hub.mode=denied is the hub refusing you: acknowledge it with 200 (and drop the pending request)',
        );
      },
    },
    {
      name: 'checks X-Hub-Signature (sha1, sha256, sha512) over the raw body',
      run(impl) {
        for (const a of ['sha256', 'sha1', 'sha512'] as const)
          ensure(
            impl.verifySignature(BODY, sig(a), SECRET),
            `a delivery signed ${a}=… by the hub was refused: the algorithm is the part before "="`,
          );
        ensure(
          impl.verifySignature(Buffer.from(BODY), sig('sha256'), SECRET),
          'the raw bytes (a Buffer) must verify like the string',
        );
        ensure(!impl.verifySignature(`${BODY} `, sig('sha256'), SECRET), 'a changed body was accepted');
        ensure(
          !impl.verifySignature(BODY, sig('sha256', 'another-secret'), SECRET),
          'a signature under another secret was accepted',
        );
        ensure(
          !impl.verifySignature(BODY, undefined, SECRET),
          'no header at all was accepted: with a hub.secret, an unsigned delivery is forged',
        );
        ensure(!impl.verifySignature(BODY, 'md5=abc', SECRET), 'md5 is not a WebSub algorithm: refuse it');
      },
    },
    {
      name: 'compares in constant time',
      run(_impl, _ctx, { source }) {
        ensure(
          /timingSafeEqual\s*\(/.test(withoutComments(source)),
          'compare the signatures with crypto.timingSafeEqual, not ===',
        );
      },
    },
    {
      name: 'renews before the lease ends, not long before',
      run(impl) {
        const at = impl.renewAt(NOW, 600);
        ensure(
          at < NOW + 600_000,
          `you renew at ${(at - NOW) / 1000} s of a 600 s lease: the hub drops you when it ends, and what is published until your renewal is verified is lost. Renew earlier (e.g. at 90 %)`,
        );
        ensure(
          at >= NOW + 300_000,
          `you renew after ${(at - NOW) / 1000} s of 600: more than twice as often as needed`,
        );
      },
    },
  ],
};
