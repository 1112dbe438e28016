import type { DeliveryView } from '../domain/deliveries.ts';
import type { listSubscriptions, listTopics, recentVerifications } from '../domain/views.ts';

const CSS = `
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,-apple-system,Segoe UI,sans-serif;background:#f4f6f9;color:#1b2330}
main{max-width:1100px;margin:2rem auto;padding:0 1rem}.card{background:#fff;border:1px solid #dce2ea;border-radius:8px;padding:1.25rem;margin-bottom:1rem}
h1{font-size:1.3rem;margin:.2rem 0 .4rem}h2{font-size:1.05rem;margin:0 0 .6rem}.muted{color:#5f6b7a;font-size:.85rem}
table{width:100%;border-collapse:collapse;font-size:.85rem}td,th{text-align:left;padding:.35rem;border-bottom:1px solid #edf0f4;vertical-align:top;word-break:break-all}
code{font-size:.85em;background:#eef1f5;padding:0 .25rem;border-radius:3px}
.badge{display:inline-block;padding:0 .4rem;border-radius:4px;font-size:.8rem;background:#edf0f4}.ok{background:#d7f7c2}.bad{background:#ffe0e6}
`;

const time = (iso: string | null) => (iso ? iso.replace('T', ' ').slice(0, 19) : '—');
const badge = (s: string) =>
  ['delivered', 'verified'].includes(s)
    ? 'badge ok'
    : ['dead', 'failed', 'canceled', 'refused', 'unreachable', 'denied'].includes(s)
      ? 'badge bad'
      : 'badge';

export interface HomeData {
  hubUrl: string;
  topics: ReturnType<typeof listTopics>;
  subscriptions: ReturnType<typeof listSubscriptions>;
  deliveries: DeliveryView[];
  verifications: ReturnType<typeof recentVerifications>;
}

function leaseLeft(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)} min`;
  return `${Math.floor(seconds / 3600)} h`;
}

/** The hub's page: topics, subscriptions (lease left, last delivery), recent deliveries and verifications. */
export function HomePage(d: HomeData) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta http-equiv="refresh" content="5" />
        <title>Hub — Hooklab</title>
        <style>{CSS}</style>
      </head>
      <body>
        <main>
          <h1>WebSub hub</h1>
          <p class="muted">
            Publishers advertise <code>{`<${d.hubUrl}>; rel="hub"`}</code>; subscribers and publishers POST
            forms to it. JSON: <a href="/v1/topics">/v1/topics</a>,{' '}
            <a href="/v1/subscriptions">/v1/subscriptions</a>, <a href="/v1/deliveries">/v1/deliveries</a> (
            <a href="/docs">docs</a>). Refreshes every 5 s.
          </p>
          <section class="card">
            <h2>Topics ({d.topics.length})</h2>
            <table>
              <thead>
                <tr>
                  <th>topic</th>
                  <th>content type</th>
                  <th>pings</th>
                  <th>last ping</th>
                  <th>last fetch</th>
                  <th>fan-out</th>
                </tr>
              </thead>
              <tbody>
                {d.topics.map((t) => (
                  <tr>
                    <td>
                      <code>{t.url}</code>
                      {t.last_error ? <div class="badge bad">{t.last_error}</div> : null}
                    </td>
                    <td>{t.content_type ?? '—'}</td>
                    <td>{t.publish_count}</td>
                    <td>{time(t.last_publish_at)}</td>
                    <td>{time(t.last_fetch_at)}</td>
                    <td>{t.last_fan_out ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section class="card">
            <h2>Subscriptions ({d.subscriptions.length})</h2>
            <table>
              <thead>
                <tr>
                  <th>topic</th>
                  <th>callback</th>
                  <th>signed</th>
                  <th>lease left</th>
                  <th>last delivery</th>
                </tr>
              </thead>
              <tbody>
                {d.subscriptions.map((s) => (
                  <tr>
                    <td>
                      <code>{s.topic}</code>
                    </td>
                    <td>
                      <code>{s.callback}</code>
                    </td>
                    <td>{s.signed ?? 'no'}</td>
                    <td>
                      {leaseLeft(s.lease_left_seconds)}{' '}
                      <span class="muted">of {leaseLeft(s.lease_seconds)}</span>
                    </td>
                    <td>
                      {time(s.last_delivery_at)}{' '}
                      {s.last_delivery_at ? (
                        <span class={s.last_delivery_ok ? 'badge ok' : 'badge bad'}>
                          {s.last_delivery_status ?? 'no answer'}
                        </span>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section class="card">
            <h2>Recent deliveries</h2>
            <table>
              <thead>
                <tr>
                  <th>message</th>
                  <th>topic</th>
                  <th>status</th>
                  <th>attempts</th>
                  <th>last answer</th>
                  <th>created</th>
                </tr>
              </thead>
              <tbody>
                {d.deliveries.map((m) => (
                  <tr>
                    <td>
                      <code>{m.id}</code>
                    </td>
                    <td>
                      <code>{m.topic ?? '—'}</code>
                    </td>
                    <td>
                      <span class={badge(m.status)}>{m.status}</span>
                    </td>
                    <td>{m.attempts}</td>
                    <td>{m.last_status_code ?? m.last_failure ?? '—'}</td>
                    <td>{time(m.created_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section class="card">
            <h2>Recent verifications of intent</h2>
            <table>
              <thead>
                <tr>
                  <th>when</th>
                  <th>mode</th>
                  <th>topic</th>
                  <th>callback</th>
                  <th>outcome</th>
                </tr>
              </thead>
              <tbody>
                {d.verifications.map((v) => (
                  <tr>
                    <td>{time(v.at)}</td>
                    <td>{v.mode}</td>
                    <td>
                      <code>{v.topic}</code>
                    </td>
                    <td>
                      <code>{v.callback}</code>
                    </td>
                    <td>
                      <span class={badge(v.outcome)}>{v.outcome}</span> <span class="muted">{v.detail}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </main>
      </body>
    </html>
  );
}
