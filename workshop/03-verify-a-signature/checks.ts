// Exercise 03's guiding checks: signatures made by the official stripe SDK, and constructEvent as the judge.
import Stripe from 'stripe';
import { type Checks, ensure, rejects, resolves, same } from '../kit/check.ts';
import type * as Impl from './solution/verify-signature.ts';

const stripe = new Stripe('sk_test_workshop', { telemetry: false });
const SECRET = 'whsec_workshop_current';
const OLD = 'whsec_workshop_previous';
const NOW = 1_733_390_000;
// Pretty-printed and with a non-ASCII character, as Stripe sends it: re-serialising it changes the bytes.
const BODY = `{\n  "id": "evt_1Workshop",\n  "object": "event",\n  "type": "payment_intent.succeeded",\n  "data": {"object": {"id": "pi_1", "description": "Robe d'été"}}\n}`;

const sign = (payload: string, secret = SECRET, timestamp = NOW) =>
  stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
const v1Of = (header: string) => header.split(',').find((p) => p.startsWith('v1='))!;

const HINT_T_BODY =
  'the signature you computed does not match: did you sign `timestamp.body` with the raw bytes?';

export const suite: Checks<typeof Impl> = {
  checks: [
    {
      name: 'accepts a body signed by Stripe (HMAC-SHA256 of `t.body`)',
      async run(impl) {
        const event = await resolves(
          () => impl.verifyStripeSignature(BODY, sign(BODY), SECRET, { nowS: NOW }),
          HINT_T_BODY,
        );
        same(
          (event as { id?: string })?.id,
          'evt_1Workshop',
          'return the parsed event (JSON.parse of the body)',
        );
      },
    },
    {
      name: 'verifies the raw bytes (a Buffer), not a re-serialised object',
      async run(impl) {
        await resolves(
          () => impl.verifyStripeSignature(Buffer.from(BODY, 'utf8'), sign(BODY), SECRET, { nowS: NOW }),
          'the body arrived as bytes (a Buffer) and your check refused it: HMAC the bytes as they are (hmac.update(buffer)), never JSON.stringify(JSON.parse(body))',
        );
      },
    },
    {
      name: 'refuses a body changed after signing',
      async run(impl) {
        const tampered = BODY.replace('pi_1', 'pi_2');
        await rejects(
          () => impl.verifyStripeSignature(tampered, sign(BODY), SECRET, { nowS: NOW }),
          'a body changed after signing was accepted: the HMAC must cover the whole body',
        );
        await rejects(
          () => impl.verifyStripeSignature(BODY, sign(BODY, 'whsec_someone_else'), SECRET, { nowS: NOW }),
          'a signature made with another secret was accepted',
        );
        await rejects(
          () => impl.verifyStripeSignature(BODY, `t=${NOW}`, SECRET, { nowS: NOW }),
          'a header with no v1= was accepted',
        );
      },
    },
    {
      name: 'refuses a timestamp outside the 300 s tolerance (a replay), either way',
      async run(impl) {
        const old = sign(BODY, SECRET, NOW - 301);
        await rejects(
          () => impl.verifyStripeSignature(BODY, old, SECRET, { nowS: NOW, toleranceS: 300 }),
          'a signature made 301 s ago was accepted: anyone who saw that request could replay it forever. Refuse |now - t| > toleranceS',
        );
        await rejects(
          () => impl.verifyStripeSignature(BODY, sign(BODY, SECRET, NOW + 3600), SECRET, { nowS: NOW }),
          'a signature stamped an hour in the future was accepted: it would stay replayable for an hour. Compare |now - t|',
        );
        await resolves(
          () => impl.verifyStripeSignature(BODY, sign(BODY, SECRET, NOW - 299), SECRET, { nowS: NOW }),
          'a signature made 299 s ago is within the tolerance and was refused',
        );
      },
    },
    {
      name: 'during a secret rotation: any v1 under any of your secrets',
      async run(impl) {
        // Stripe signs with the old and the new secret while both are live: two v1 in one header.
        const both = `${sign(BODY, OLD)},${v1Of(sign(BODY, SECRET))}`;
        await resolves(
          () => impl.verifyStripeSignature(BODY, both, SECRET, { nowS: NOW }),
          'the header carried two v1 (old secret, new secret) and the second one matches yours: check every v1, not only the first or the last',
        );
        await resolves(
          () => impl.verifyStripeSignature(BODY, sign(BODY, OLD), [SECRET, OLD], { nowS: NOW }),
          'with secrets [current, previous], a signature under the previous one must still pass (your endpoint rolled its secret)',
        );
      },
    },
    {
      name: 'compares in constant time',
      run(_impl, _ctx, { source }) {
        ensure(
          /timingSafeEqual\s*\(/.test(withoutComments(source)),
          'compare signatures with crypto.timingSafeEqual (same-length Buffers): `===` returns sooner the earlier the first wrong character, and that leaks the signature byte by byte',
        );
      },
    },
    {
      name: "agrees with the official SDK's constructEvent",
      async run(impl) {
        const cases: [string, string | Buffer, string][] = [
          ['valid', BODY, sign(BODY)],
          ['tampered', `${BODY} `, sign(BODY)],
          ['stale', BODY, sign(BODY, SECRET, NOW - 1000)],
          ['rotated', BODY, `${sign(BODY, OLD)},${v1Of(sign(BODY))}`],
          ['garbage header', BODY, 'nonsense'],
        ];
        for (const [name, body, header] of cases) {
          const sdk = attempt(() =>
            stripe.webhooks.constructEvent(body, header, SECRET, 300, undefined, NOW * 1000),
          );
          const yours = attempt(() =>
            impl.verifyStripeSignature(body, header, SECRET, { nowS: NOW, toleranceS: 300 }),
          );
          ensure(
            sdk === yours,
            `case "${name}": stripe.webhooks.constructEvent ${sdk ? 'accepts' : 'refuses'} it and yours ${yours ? 'accepts' : 'refuses'}`,
          );
        }
      },
    },
  ],
};

function attempt(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch {
    return false;
  }
}

const withoutComments = (source: string) => source.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
