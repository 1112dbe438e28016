import { Hono } from 'hono';
import type { Domain } from '../domain/context.ts';
import type { StripeEvent } from '../domain/events.ts';
import type { PaymentIntent } from '../domain/payment-intents.ts';
import { DEV_ACCOUNT } from '../http/auth.ts';
import type { PaymentsEnv } from '../http/env.ts';
import { resendEvent } from '../routes/events.ts';
import { Layout, money } from './layout.tsx';

const time = (sec: number) => new Date(sec * 1000).toISOString().replace('T', ' ').slice(0, 19);
const badge = (s: string) =>
  ['succeeded', 'delivered', 'enabled', 'complete'].includes(s)
    ? 'badge ok'
    : ['dead', 'canceled', 'requires_payment_method', 'disabled'].includes(s)
      ? 'badge bad'
      : 'badge';

/** `GET /dashboard`: the dev account's payments, events and delivery attempts, with a resend button. */
export function dashboardRoutes(d: Domain) {
  return new Hono<PaymentsEnv>()
    .get('/', async (c) => {
      const payments = d.store.list<PaymentIntent>(DEV_ACCOUNT, 'payment_intent', { limit: 20 }).data;
      const events = d.store.list<StripeEvent>(DEV_ACCOUNT, 'event', { limit: 30 }).data;
      const endpoints = d.store.rows(DEV_ACCOUNT, 'webhook_endpoint');
      const mine = new Set(endpoints.map((e) => e.id));
      const messages = (await d.outbox.listMessages({ limit: 100 }))
        .filter((m) => mine.has(m.endpointId))
        .slice(0, 30);
      const detailed = await Promise.all(messages.map((m) => d.outbox.getMessage(m.id)));
      return c.html(
        <Layout title="Dashboard — Hooklab payments">
          <h1>Payments dashboard · {DEV_ACCOUNT}</h1>
          <p class="muted">
            Development mode: no login. API at /v1 with the dev secret key. Refresh to see new activity.
          </p>
          <div class="card">
            <h2>Webhook endpoints</h2>
            <table>
              <tbody>
                {endpoints.map((e) => (
                  <tr>
                    <td>
                      <code>{e.id}</code>
                    </td>
                    <td>{String(e.data.url)}</td>
                    <td>
                      <span class={badge(String(e.data.status))}>{String(e.data.status)}</span>
                    </td>
                    <td>{(e.data.enabled_events as string[]).join(', ')}</td>
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
                  <th />
                </tr>
              </thead>
              <tbody>
                {events.map((e) => (
                  <tr>
                    <td>
                      <code>{e.id}</code>
                    </td>
                    <td>{e.type}</td>
                    <td>{e.pending_webhooks}</td>
                    <td>{time(e.created)}</td>
                    <td>
                      <form class="inline" method="post" action={`/dashboard/events/${e.id}/resend`}>
                        <button type="submit">Resend</button>
                      </form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div class="card">
            <h2>Delivery attempts</h2>
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
                {detailed.map(
                  (m) =>
                    m && (
                      <tr>
                        <td>
                          {m.eventType}
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
                          {m.attemptLog.map((a) => (
                            <div>
                              #{a.attemptNo} {new Date(a.startedAt).toISOString().slice(11, 23)} →{' '}
                              {a.statusCode ?? a.failureKind ?? '—'} in {a.durationMs.toFixed(1)} ms
                              {a.responseExcerpt && <pre>{a.responseExcerpt.slice(0, 300)}</pre>}
                            </div>
                          ))}
                        </td>
                      </tr>
                    ),
                )}
              </tbody>
            </table>
          </div>
        </Layout>,
      );
    })
    .post('/events/:id/resend', (c) => {
      const event = d.store.get<StripeEvent>(DEV_ACCOUNT, c.req.param('id'), 'event');
      if (!event) return c.html(<Layout title="Not found">No such event.</Layout>, 404);
      resendEvent(d, DEV_ACCOUNT, event.id);
      return c.redirect('/dashboard', 303);
    });
}
