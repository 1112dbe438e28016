import { isHttpTarget, type OutboxMessage, parseCallbackTarget } from '@hooklab/webhooks';
import { type Context, Hono } from 'hono';
import type { Child } from 'hono/jsx';
import type { PaymentsContext } from '../context.ts';
import type { PaymentIntent } from '../domain/payment-intents.ts';
import { ENDPOINT_TYPE } from '../domain/webhook-endpoints.ts';
import { DEV_ACCOUNT } from '../http/auth.ts';
import type { PaymentsEnv } from '../http/env.ts';
import { stringifyPretty } from '../http/pretty-json.ts';
import { resendEvent, type StripeEvent, subscribedEndpoints } from '../webhooks/out/events.ts';
import { createDashboardCsrf } from './dashboard-csrf.ts';
import { Layout, money } from './layout.tsx';

// What a replay puts back in line: deliveries that gave up (`failed` while the endpoint was off, `dead`).
const REPLAYABLE: readonly string[] = ['failed', 'dead'];
const ID = /^[a-z]+_[A-Za-z0-9]{1,64}$/;

const time = (sec: number) => new Date(sec * 1000).toISOString().replace('T', ' ').slice(0, 19);
const badge = (s: string) =>
  ['succeeded', 'delivered', 'enabled', 'complete'].includes(s)
    ? 'badge ok'
    : ['dead', 'failed', 'canceled', 'requires_payment_method', 'disabled'].includes(s)
      ? 'badge bad'
      : 'badge';

const KIND_LABEL = { email: 'e-mail', queue: 'queue', topic: 'topic', http: 'http' } as const;

/** An endpoint's URL; a mailto:, queue: or topic: one says which transport carries its events. */
function Target(props: { url: string }) {
  if (isHttpTarget(props.url)) return <>{props.url}</>;
  const parsed = parseCallbackTarget(props.url);
  return (
    <>
      {parsed.ok && <span class="badge">{KIND_LABEL[parsed.target.kind]}</span>} <code>{props.url}</code>
    </>
  );
}

function Page(props: { title: string; notice?: string | null; children: Child }) {
  return (
    <Layout title={`${props.title} — Hooklab payments`}>
      <p class="muted">
        <a href="/dashboard">Payments dashboard</a> · {DEV_ACCOUNT} · development mode only, no login
      </p>
      {props.notice && (
        <div class="notice" role="status">
          {props.notice}
        </div>
      )}
      {props.children}
    </Layout>
  );
}

function Refused(props: { title: string; text: string }) {
  return (
    <Page title={props.title}>
      <div class="card narrow">
        <h1>{props.title}</h1>
        <p>{props.text}</p>
        <a href="/dashboard">Back to the dashboard</a>
      </div>
    </Page>
  );
}

function Deliveries(props: { messages: (OutboxMessage & { attemptLog?: unknown[] })[] }) {
  return (
    <table>
      <thead>
        <tr>
          <th>event</th>
          <th>endpoint</th>
          <th>status</th>
          <th>attempts</th>
        </tr>
      </thead>
      <tbody>
        {props.messages.map((m) => (
          <tr>
            <td>
              <a href={`/dashboard/events/${m.eventId}`}>{m.eventType}</a>
              <br />
              <code>{m.eventId}</code>
            </td>
            <td>
              <code>{m.endpointId}</code>
            </td>
            <td>
              <span class={badge(m.status)}>{m.status}</span>
            </td>
            <td>
              {(
                (m.attemptLog ?? []) as {
                  attemptNo: number;
                  startedAt: number;
                  statusCode: number | null;
                  ok: boolean;
                  failureKind: string | null;
                  durationMs: number;
                  responseExcerpt: string;
                }[]
              ).map((a) => (
                <div>
                  #{a.attemptNo} {new Date(a.startedAt).toISOString().slice(11, 23)} →{' '}
                  {a.statusCode ?? a.failureKind ?? (a.ok ? 'stored' : '—')} in {a.durationMs.toFixed(1)} ms
                  {a.responseExcerpt && <pre>{a.responseExcerpt.slice(0, 300)}</pre>}
                </div>
              ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * `/dashboard` (dev mode only): the dev account's endpoints, payments, events (payload, resend to a
 * subscribed endpoint after a confirmation) and delivery attempts. Every form carries a CSRF token.
 */
export function dashboardRoutes(d: PaymentsContext) {
  const guard = createDashboardCsrf();
  const refused = (c: Context) =>
    c.html(
      <Refused
        title="Form refused"
        text="This form came from another site or from a page that has expired (the server restarted, or your session cookie is gone). Reload the dashboard and try again."
      />,
      403,
    );
  const notFound = (c: Context, what: string) =>
    c.html(<Refused title="Not found" text={`There is no ${what} with this id.`} />, 404);
  const loadEvent = (id: string) => d.store.get<StripeEvent>(DEV_ACCOUNT, id, 'event');
  const failedOf = async (endpointId: string) =>
    (await d.outbox.listMessages({ endpointId, limit: 1000 })).filter((m) => REPLAYABLE.includes(m.status))
      .length;
  const tokenInput = (c: Context) => <input type="hidden" name="csrf_token" value={guard.tokenFor(c)} />;

  return new Hono<PaymentsEnv>()
    .use('*', guard.protect(refused))
    .get('/', async (c) => {
      const payments = d.store.list<PaymentIntent>(DEV_ACCOUNT, 'payment_intent', { limit: 20 }).data;
      const events = d.store.list<StripeEvent>(DEV_ACCOUNT, 'event', { limit: 30 }).data;
      const endpoints = d.store.rows(DEV_ACCOUNT, ENDPOINT_TYPE);
      const mine = new Set(endpoints.map((e) => e.id));
      const messages = (await d.outbox.listMessages({ limit: 100 }))
        .filter((m) => mine.has(m.endpointId))
        .slice(0, 30);
      const detailed = (await Promise.all(messages.map((m) => d.outbox.getMessage(m.id)))).filter(
        (m) => m !== null,
      );
      const replay = d.replayFailedDeliveries;
      const failed = new Map<string, number>();
      if (replay)
        for (const e of endpoints) if (e.data.status === 'enabled') failed.set(e.id, await failedOf(e.id));
      const replayed = c.req.query('replayed');
      const endpoint = c.req.query('endpoint');
      const notice =
        replayed && /^\d{1,9}$/.test(replayed) && endpoint && ID.test(endpoint)
          ? `${replayed} failed ${replayed === '1' ? 'delivery' : 'deliveries'} of ${endpoint} queued again.`
          : null;
      return c.html(
        <Page title="Dashboard" notice={notice}>
          <h1>Payments dashboard · {DEV_ACCOUNT}</h1>
          <div class="card">
            <h2>Webhook endpoints</h2>
            <table>
              <tbody>
                {endpoints.map((e) => (
                  <tr>
                    <td>
                      <code>{e.id}</code>
                    </td>
                    <td>
                      <Target url={String(e.data.url)} />
                    </td>
                    <td>
                      <span class={badge(String(e.data.status))}>{String(e.data.status)}</span>
                    </td>
                    <td>{(e.data.enabled_events as string[]).join(', ')}</td>
                    <td>
                      {(failed.get(e.id) ?? 0) > 0 && (
                        <form class="inline" method="post" action={`/dashboard/endpoints/${e.id}/replay`}>
                          {tokenInput(c)}
                          <button type="submit">Replay failed deliveries ({failed.get(e.id)})</button>
                        </form>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div class="card">
            <h2>Recent payments</h2>
            <table>
              <thead>
                <tr>
                  <th>id</th>
                  <th>amount</th>
                  <th>status</th>
                  <th>method</th>
                  <th>created</th>
                </tr>
              </thead>
              <tbody>
                {payments.map((p) => (
                  <tr>
                    <td>
                      <code>{p.id}</code>
                    </td>
                    <td>{money(p.amount, p.currency)}</td>
                    <td>
                      <span class={badge(p.status)}>{p.status}</span>
                    </td>
                    <td>{p.payment_method ?? '—'}</td>
                    <td>{time(p.created)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div class="card">
            <h2>Events</h2>
            <table>
              <thead>
                <tr>
                  <th>id</th>
                  <th>type</th>
                  <th>pending webhooks</th>
                  <th>created</th>
                </tr>
              </thead>
              <tbody>
                {events.map((e) => (
                  <tr>
                    <td>
                      <a href={`/dashboard/events/${e.id}`}>
                        <code>{e.id}</code>
                      </a>
                    </td>
                    <td>{e.type}</td>
                    <td>{e.pending_webhooks}</td>
                    <td>{time(e.created)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div class="card">
            <h2>Delivery attempts</h2>
            <Deliveries messages={detailed} />
          </div>
        </Page>,
      );
    })
    .get('/events/:id', async (c) => {
      const event = loadEvent(c.req.param('id'));
      if (!event) return notFound(c, 'event');
      const targets = subscribedEndpoints(d, DEV_ACCOUNT, event.type);
      const endpoints = d.store.rows(DEV_ACCOUNT, ENDPOINT_TYPE);
      const deliveries = (
        await Promise.all(
          endpoints.map(async (e) =>
            (
              await d.outbox.listMessages({ endpointId: e.id, limit: 1000 })
            ).filter((m) => m.eventId === event.id),
          ),
        )
      ).flat();
      const detailed = (await Promise.all(deliveries.map((m) => d.outbox.getMessage(m.id)))).filter(
        (m) => m !== null,
      );
      const resent = c.req.query('resent');
      return c.html(
        <Page
          title={event.id}
          notice={resent && ID.test(resent) ? `${event.id} queued again for ${resent}.` : null}
        >
          <h1>
            {event.type} · <code>{event.id}</code>
          </h1>
          <div class="card">
            <h2>Resend</h2>
            {targets.length === 0 ? (
              <p class="muted">No enabled endpoint is subscribed to {event.type}.</p>
            ) : (
              <table>
                <tbody>
                  {targets.map((t) => (
                    <tr>
                      <td>
                        <code>{t.id}</code>
                      </td>
                      <td>
                        <Target url={t.url} />
                      </td>
                      <td>
                        <a href={`/dashboard/events/${event.id}/resend?endpoint=${t.id}`}>Resend…</a>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
          <div class="card">
            <h2>Deliveries</h2>
            <Deliveries messages={detailed} />
          </div>
          <div class="card">
            <h2>Payload</h2>
            <p class="muted">
              Created {time(event.created)} · pending webhooks {event.pending_webhooks}
            </p>
            <pre class="payload">{stringifyPretty(event)}</pre>
          </div>
        </Page>,
      );
    })
    .get('/events/:id/resend', (c) => {
      const event = loadEvent(c.req.param('id'));
      if (!event) return notFound(c, 'event');
      const target = subscribedEndpoints(d, DEV_ACCOUNT, event.type).find(
        (t) => t.id === c.req.query('endpoint'),
      );
      if (!target) return notSubscribed(c, event);
      return c.html(
        <Page title={`Resend ${event.id}`}>
          <div class="card narrow">
            <h1>Resend this event?</h1>
            <p>
              <code>{event.id}</code> ({event.type}) will be delivered again to <code>{target.id}</code>,{' '}
              {target.url}, signed afresh. Receivers that deduplicate on the event id will ignore it.
            </p>
            <form method="post" action={`/dashboard/events/${event.id}/resend`}>
              {tokenInput(c)}
              <input type="hidden" name="endpoint" value={target.id} />
              <button type="submit">Resend</button> <a href={`/dashboard/events/${event.id}`}>Cancel</a>
            </form>
          </div>
        </Page>,
      );
    })
    .post('/events/:id/resend', async (c) => {
      const event = loadEvent(c.req.param('id'));
      if (!event) return notFound(c, 'event');
      const form = await c.req.parseBody();
      const target = subscribedEndpoints(d, DEV_ACCOUNT, event.type).find((t) => t.id === form.endpoint);
      if (!target) return notSubscribed(c, event);
      resendEvent(d, DEV_ACCOUNT, event.id, target.id);
      return c.redirect(`/dashboard/events/${event.id}?resent=${target.id}`, 303);
    })
    .post('/endpoints/:id/replay', async (c) => {
      const replay = d.replayFailedDeliveries;
      const row = d.store.row(DEV_ACCOUNT, c.req.param('id'), ENDPOINT_TYPE);
      if (!replay || !row) return notFound(c, 'webhook endpoint');
      if (row.data.status !== 'enabled')
        return c.html(
          <Refused
            title="Endpoint disabled"
            text="Enable the endpoint first: deliveries replayed to a disabled endpoint would fail again."
          />,
          409,
        );
      const count = await replay(row.id);
      return c.redirect(`/dashboard?replayed=${count}&endpoint=${row.id}`, 303);
    });

  function notSubscribed(c: Context, event: StripeEvent) {
    return c.html(
      <Refused
        title="Not subscribed"
        text={`Choose an enabled endpoint subscribed to ${event.type}: this one is unknown, disabled or does not listen to it.`}
      />,
      400,
    );
  }
}
