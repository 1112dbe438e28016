import { Hono } from 'hono';
import type { PaymentsContext } from '../context.ts';
import { type CheckoutSession, payCheckoutSession, SESSION_TYPE, successUrlOf } from '../domain/checkout.ts';
import { completeAuthentication, type PaymentIntent } from '../domain/payment-intents.ts';
import { TEST_CARDS } from '../domain/test-methods.ts';
import type { PaymentsEnv } from '../http/env.ts';
import { sameSecret } from '../http/secret-compare.ts';
import { Layout, money } from './layout.tsx';

interface CheckoutError {
  message: string;
  code: string;
  declineCode?: string;
}

interface CardInput {
  number?: string;
  expiry?: string;
  cvc?: string;
}

/** `12 / 29`: December, three years on from the business clock's year. */
const sampleExpiryAt = (now: number) =>
  `12 / ${String((new Date(now).getUTCFullYear() + 3) % 100).padStart(2, '0')}`;

interface LineItem {
  description: string;
  quantity: number;
  amount_total: number;
  currency: string;
}

function CheckoutPage(props: {
  session: CheckoutSession;
  items: LineItem[];
  error?: CheckoutError;
  card?: CardInput;
  /** A valid expiry to prefill, like the test card number (business clock). */
  sampleExpiry: string;
}) {
  const s = props.session;
  const card = props.card ?? {};
  return (
    <Layout title="Pay — Hooklab payments">
      <div class="card narrow">
        <p class="muted">Hooklab test payment page · no real card is charged</p>
        <h1>Pay {money(s.amount_total, s.currency)}</h1>
        <table>
          <tbody>
            {props.items.map((i) => (
              <tr>
                <td>
                  {i.description} × {i.quantity}
                </td>
                <td>{money(i.amount_total, i.currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {props.error && (
          <div class="error" role="alert">
            {props.error.message}
            <div class="muted">
              code <code>{props.error.code}</code>
              {props.error.declineCode && (
                <>
                  {' '}
                  · decline_code <code>{props.error.declineCode}</code>
                </>
              )}
            </div>
          </div>
        )}
        <form method="post" action={`/pay/${s.id}`}>
          <label for="email">Email</label>
          <input
            type="email"
            id="email"
            name="email"
            value={(s.customer_email as string | null) ?? ''}
            autocomplete="email"
          />
          <label for="card_number">Card number</label>
          <input
            type="text"
            id="card_number"
            name="card_number"
            inputmode="numeric"
            autocomplete="cc-number"
            value={card.number ?? '4242 4242 4242 4242'}
            required
          />
          <div class="row">
            <div>
              <label for="card_expiry">Expiry</label>
              <input
                type="text"
                id="card_expiry"
                name="card_expiry"
                inputmode="numeric"
                autocomplete="cc-exp"
                placeholder="MM / YY"
                value={card.expiry ?? props.sampleExpiry}
                required
              />
            </div>
            <div>
              <label for="card_cvc">CVC</label>
              <input
                type="text"
                id="card_cvc"
                name="card_cvc"
                inputmode="numeric"
                autocomplete="cc-csc"
                placeholder="CVC"
                value={card.cvc ?? '123'}
                required
              />
            </div>
          </div>
          <p class="muted">
            Test mode: any future expiry date; a CVC of 3 digits (4 for American Express). A past date is
            declined as <code>expired_card</code>, a malformed CVC as <code>invalid_cvc</code>.
          </p>
          <button type="submit">Pay {money(s.amount_total, s.currency)}</button>
        </form>
        <form method="post" action={`/pay/${s.id}`}>
          <input type="hidden" name="payment_method" value="pm_usBankAccount_success" />
          <button type="submit" class="secondary">
            Pay by bank debit (settles after a few seconds)
          </button>
        </form>
        {s.cancel_url && (
          <p>
            <a href={s.cancel_url}>← Back to the shop</a>
          </p>
        )}
      </div>
      <div class="card narrow">
        <h2>Test cards</h2>
        <table>
          <tbody>
            {Object.entries(TEST_CARDS).map(([number, card]) => (
              <tr>
                <td>
                  <code>{number.replace(/(\d{4})(?=\d)/g, '$1 ')}</code>
                </td>
                <td>{card.label}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}

function Message(props: { title: string; text: string; link?: string }) {
  return (
    <Layout title={props.title}>
      <div class="card narrow">
        <h1>{props.title}</h1>
        <p>{props.text}</p>
        {props.link && <a href={props.link}>Continue</a>}
      </div>
    </Layout>
  );
}

function ThreeDsPage(props: { pi: PaymentIntent; clientSecret: string }) {
  return (
    <Layout title="3-D Secure — Hooklab payments">
      <div class="card narrow">
        <p class="muted">Hooklab test 3-D Secure page: your bank would ask you to confirm here.</p>
        <h1>Confirm a payment of {money(props.pi.amount, props.pi.currency)}</h1>
        <form method="post" action={`/3ds/${props.pi.id}`}>
          <input type="hidden" name="client_secret" value={props.clientSecret} />
          <button type="submit" name="outcome" value="approve">
            Complete authentication
          </button>{' '}
          <button type="submit" name="outcome" value="fail" class="danger">
            Fail authentication
          </button>
        </form>
      </div>
    </Layout>
  );
}

/** The pages a customer sees: hosted checkout (`/pay/:id`) and the 3-D Secure challenge (`/3ds/:id`). */
export function hostedPageRoutes(d: PaymentsContext) {
  const sessionOf = (id: string) => {
    const row = d.store.rowById(id);
    return row && row.type === SESSION_TYPE
      ? { session: row.data as CheckoutSession, items: (row.internal.lineItems as LineItem[]) ?? [] }
      : undefined;
  };
  const form = async (req: Request): Promise<URLSearchParams> => {
    const type = req.headers.get('content-type') ?? '';
    if (!type.includes('application/x-www-form-urlencoded')) return new URLSearchParams();
    return new URLSearchParams(await req.text());
  };
  type Found = NonNullable<ReturnType<typeof sessionOf>>;
  const checkoutPage = (found: Found, error?: CheckoutError, card?: CardInput) => (
    <CheckoutPage
      session={found.session}
      items={found.items}
      error={error}
      card={card}
      sampleExpiry={sampleExpiryAt(d.clock.now())}
    />
  );

  return new Hono<PaymentsEnv>()
    .get('/pay/:id', (c) => {
      const found = sessionOf(c.req.param('id'));
      if (!found)
        return c.html(<Message title="Not found" text="There is no checkout session with this id." />, 404);
      const { session } = found;
      if (session.status === 'expired')
        return c.html(
          <Message
            title="Session expired"
            text="This checkout session has expired. Go back to the shop and start again."
          />,
          410,
        );
      if (session.status === 'complete') {
        const url = successUrlOf(session);
        return url
          ? c.redirect(url, 303)
          : c.html(<Message title="Paid" text="This checkout session is complete." />);
      }
      const error =
        c.req.query('error') === 'authentication_failed'
          ? {
              message:
                'We are unable to authenticate your payment method. Please choose a different payment method and try again.',
              code: 'payment_intent_authentication_failure',
            }
          : undefined;
      return c.html(checkoutPage(found, error), error ? 402 : 200);
    })
    .post('/pay/:id', async (c) => {
      const found = sessionOf(c.req.param('id'));
      if (!found)
        return c.html(<Message title="Not found" text="There is no checkout session with this id." />, 404);
      const body = await form(c.req.raw);
      const card: CardInput = {
        number: body.get('card_number')?.slice(0, 40) ?? undefined,
        expiry: body.get('card_expiry')?.slice(0, 20) ?? undefined,
        cvc: body.get('card_cvc')?.slice(0, 10) ?? undefined,
      };
      const paymentMethod = body.get('payment_method') ?? undefined;
      if (!card.number && !paymentMethod) {
        return c.html(
          checkoutPage(
            found,
            { message: 'Your card number is incomplete.', code: 'incomplete_number' },
            card,
          ),
          400,
        );
      }
      if (paymentMethod && !/^pm_[A-Za-z0-9_]{1,100}$/.test(paymentMethod)) {
        return c.html(
          checkoutPage(found, { message: 'Unknown payment method.', code: 'resource_missing' }),
          400,
        );
      }
      const email = body.get('email')?.slice(0, 320) || undefined;
      let result: ReturnType<typeof payCheckoutSession>;
      try {
        result = payCheckoutSession(d, found.session.id, {
          cardNumber: card.number,
          expiry: card.expiry,
          cvc: card.cvc,
          paymentMethod,
          email,
        });
      } catch (err) {
        const e = err as { status?: number; message: string };
        if (e.status && e.status < 500) {
          return c.html(checkoutPage(found, { message: e.message, code: 'invalid_request' }, card), 400);
        }
        throw err;
      }
      if (result.kind === 'redirect') return c.redirect(result.url, 303);
      if (result.kind === 'closed') {
        const url = successUrlOf(result.session);
        if (result.session.status === 'complete' && url) return c.redirect(url, 303);
        return c.html(
          <Message
            title={`Session ${result.session.status}`}
            text="This checkout session can no longer be paid."
          />,
          410,
        );
      }
      // Unfinished fields are the customer's typing (400); the rest are declines as Stripe words them (402).
      return c.html(checkoutPage(found, result, card), result.code.startsWith('incomplete_') ? 400 : 402);
    })
    .get('/3ds/:id', (c) => {
      const row = d.store.rowById(c.req.param('id'));
      const pi = row?.type === 'payment_intent' ? (row.data as PaymentIntent) : undefined;
      if (!pi || !sameSecret(c.req.query('client_secret'), pi.client_secret))
        return c.html(<Message title="Not found" text="Unknown payment or wrong client secret." />, 404);
      if (pi.status !== 'requires_action')
        return c.html(
          <Message title="Nothing to confirm" text={`This payment has a status of ${pi.status}.`} />,
          409,
        );
      return c.html(<ThreeDsPage pi={pi} clientSecret={pi.client_secret} />);
    })
    .post('/3ds/:id', async (c) => {
      const body = await form(c.req.raw);
      const row = d.store.rowById(c.req.param('id'));
      const pi = row?.type === 'payment_intent' ? (row.data as PaymentIntent) : undefined;
      if (!pi || !sameSecret(body.get('client_secret'), pi.client_secret))
        return c.html(<Message title="Not found" text="Unknown payment or wrong client secret." />, 404);
      if (pi.status !== 'requires_action')
        return c.html(
          <Message title="Nothing to confirm" text={`This payment has a status of ${pi.status}.`} />,
          409,
        );
      const approve = body.get('outcome') === 'approve';
      const done = completeAuthentication(d, pi.id, approve);
      const sessionId = row?.internal.checkoutSessionId as string | undefined;
      if (sessionId) {
        const s = d.store.get<CheckoutSession>(done.accountId, sessionId, SESSION_TYPE);
        const url = s && successUrlOf(s);
        if (approve && url) return c.redirect(url, 303);
        if (!approve) return c.redirect(`/pay/${sessionId}?error=authentication_failed`, 303);
      }
      if (done.returnUrl) {
        const u = new URL(done.returnUrl);
        u.searchParams.set('payment_intent', pi.id);
        u.searchParams.set('payment_intent_client_secret', pi.client_secret);
        u.searchParams.set(
          'redirect_status',
          done.pi.status === 'requires_payment_method' ? 'failed' : 'succeeded',
        );
        return c.redirect(u.toString(), 303);
      }
      return c.html(
        <Message
          title={approve ? 'Authenticated' : 'Authentication failed'}
          text={`The payment now has a status of ${done.pi.status}.`}
        />,
      );
    });
}
