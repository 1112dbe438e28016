import type { OutboxMessage } from '@hooklab/webhooks';
import { desc } from 'drizzle-orm';
import { Hono } from 'hono';
import type { LogisticsContext } from '../context.ts';
import {
  type Address,
  type Manifest,
  manifests,
  merchants,
  type Quote,
  quotes,
  shipments,
} from '../db/schema.ts';
import { STAGES, type Stage } from '../domain/pipeline.ts';

const CSS = `
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,-apple-system,Segoe UI,sans-serif;background:#f5f7f4;color:#1d2a1f}
main{max-width:1040px;margin:2rem auto;padding:0 1rem}.card{background:#fff;border:1px solid #dde5dc;border-radius:8px;padding:1.25rem;margin-bottom:1rem}
h1{font-size:1.3rem;margin:.2rem 0 1rem}h2{font-size:1.05rem;margin:0 0 .6rem}.muted{color:#66735f;font-size:.85rem}
table{width:100%;border-collapse:collapse;font-size:.85rem}td,th{text-align:left;padding:.35rem;border-bottom:1px solid #eef2ed;vertical-align:top}
code{font-size:.85em;background:#f0f3ef;padding:0 .25rem;border-radius:3px}
.badge{display:inline-block;padding:0 .4rem;border-radius:4px;font-size:.8rem;background:#eef2ed}.ok{background:#d7f7c2}.bad{background:#ffe0e6}
progress{width:7rem;vertical-align:middle}
`;

const LIMIT = 50;
const time = (ms: number | null) => (ms ? new Date(ms).toISOString().replace('T', ' ').slice(0, 19) : '—');
const badge = (s: string) =>
  ['delivered', 'completed', 'ready', 'done', 'consented'].includes(s)
    ? 'badge ok'
    : ['failed', 'dead', 'canceled', 'refused'].includes(s)
      ? 'badge bad'
      : 'badge';

/** Where a shipment goes, without the person: country and the postal area only (`FR 75…`). */
export function maskedDestination(a: Address): string {
  return `${a.country} ${a.postal_code.slice(0, 2)}…`;
}

/** A URL without its path's tail, query or fragment: signed links and tokens stay off the page. */
function shortUrl(url: string | null): string {
  if (!url) return '—';
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/** How far a job's subject is: a shipment by its stage, a quote or manifest done or not. */
function progressOf(
  kind: string,
  subjectId: string,
  stage: Map<string, string>,
  quote: Map<string, Quote>,
  manifest: Map<string, Manifest>,
): { value: number; label: string } {
  if (kind === 'shipment') {
    const s = stage.get(subjectId) ?? 'unknown';
    const i = STAGES.indexOf(s as Stage);
    return i < 0 ? { value: 1, label: s } : { value: (i + 1) / STAGES.length, label: `${s} (${i + 1}/6)` };
  }
  const status = (kind === 'quote' ? quote.get(subjectId) : manifest.get(subjectId))?.status ?? 'unknown';
  return { value: status === 'pending' ? 0 : 1, label: status };
}

interface JobRow {
  kind: string;
  subject_id: string;
  status: string;
  run_at: number;
  attempts: number;
  updated_at: number;
}

/**
 * `/dashboard` (dev mode only, read-only): merchants, shipments with their stage and the callbacks each
 * caused, and the durable jobs with their progress. Addresses are cut to country and postal area.
 */
export function dashboardRoutes(ctx: LogisticsContext) {
  const jobsOf = ctx.sqlite.prepare<[number], JobRow>(
    `SELECT kind, subject_id, status, run_at, attempts, updated_at FROM jobs_queue
     ORDER BY updated_at DESC LIMIT ?`,
  );
  return new Hono().get('/', async (c) => {
    const merchantRows = ctx.db.select().from(merchants).all();
    const shipmentRows = ctx.db
      .select()
      .from(shipments)
      .orderBy(desc(shipments.createdAt))
      .limit(LIMIT)
      .all();
    const quoteRows = ctx.db.select().from(quotes).orderBy(desc(quotes.createdAt)).limit(LIMIT).all();
    const manifestRows = ctx.db
      .select()
      .from(manifests)
      .orderBy(desc(manifests.createdAt))
      .limit(LIMIT)
      .all();
    const messages = await ctx.outbox.listMessages({ limit: 500 });
    const callbacks = new Map<string, OutboxMessage[]>();
    for (const m of messages) {
      const id = (JSON.parse(m.body) as { data?: { shipment_id?: unknown } }).data?.shipment_id;
      if (typeof id === 'string') callbacks.set(id, [m, ...(callbacks.get(id) ?? [])]);
    }
    const stage = new Map(shipmentRows.map((s) => [s.id, s.status]));
    const quote = new Map(quoteRows.map((q) => [q.id, q]));
    const manifest = new Map(manifestRows.map((m) => [m.id, m]));
    const jobs = jobsOf.all(LIMIT);
    const count = new Map<string, number>();
    for (const s of shipmentRows) count.set(s.merchantId, (count.get(s.merchantId) ?? 0) + 1);

    c.header('cache-control', 'no-store');
    return c.html(
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>Dashboard — Hooklab logistics</title>
          <style>{CSS}</style>
        </head>
        <body>
          <main>
            <h1>Logistics dashboard</h1>
            <p class="muted">
              Development mode only, read-only. Addresses show the country and postal area only. Latest{' '}
              {LIMIT} of each.
            </p>

            <section class="card">
              <h2>Merchants</h2>
              <table>
                <thead>
                  <tr>
                    <th>merchant</th>
                    <th>default callback</th>
                    <th>shipments</th>
                  </tr>
                </thead>
                <tbody>
                  {merchantRows.map((m) => (
                    <tr>
                      <td>
                        {m.name}
                        <br />
                        <code>{m.id}</code>
                      </td>
                      <td>
                        <code>{shortUrl(m.callbackUrl)}</code>
                      </td>
                      <td>{count.get(m.id) ?? 0}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>

            <section class="card">
              <h2>Shipments</h2>
              {shipmentRows.length === 0 ? (
                <p class="muted">No shipment yet.</p>
              ) : (
                <table>
                  <thead>
                    <tr>
                      <th>shipment</th>
                      <th>stage</th>
                      <th>to</th>
                      <th>carrier</th>
                      <th>callbacks</th>
                    </tr>
                  </thead>
                  <tbody>
                    {shipmentRows.map((s) => (
                      <tr data-shipment={s.id}>
                        <td>
                          <code>{s.id}</code>
                          <br />
                          order <code>{s.orderId}</code> · {s.source} · {time(s.createdAt)}
                        </td>
                        <td>
                          <span class={badge(s.status)}>{s.status}</span>
                          {s.failureReason && <div class="muted">{s.failureReason}</div>}
                        </td>
                        <td>{maskedDestination(s.shipTo)}</td>
                        <td>{s.carrier ? `${s.carrier} ${s.trackingNumber ?? ''}` : '—'}</td>
                        <td>
                          {s.notifyUrl && (
                            <div class="muted">
                              notify {new URL(s.notifyUrl).origin}:{' '}
                              <span class={badge(s.notifyStatus ?? 'pending')}>{s.notifyStatus}</span>
                            </div>
                          )}
                          {(callbacks.get(s.id) ?? []).map((m) => (
                            <div>
                              {m.eventType} → <code>{shortUrl(m.url)}</code>{' '}
                              <span class={badge(m.status)}>{m.status}</span>
                              {m.attempts > 0 && <span class="muted"> · {m.attempts} attempt(s)</span>}
                            </div>
                          ))}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>

            <section class="card">
              <h2>Jobs</h2>
              {jobs.length === 0 ? (
                <p class="muted">No job yet.</p>
              ) : (
                <table>
                  <thead>
                    <tr>
                      <th>job</th>
                      <th>progress</th>
                      <th>queue</th>
                      <th>next run</th>
                    </tr>
                  </thead>
                  <tbody>
                    {jobs.map((j) => {
                      const p = progressOf(j.kind, j.subject_id, stage, quote, manifest);
                      return (
                        <tr>
                          <td>
                            {j.kind} <code>{j.subject_id}</code>
                          </td>
                          <td>
                            <progress value={p.value} max={1} /> {p.label}
                          </td>
                          <td>
                            <span class={badge(j.status)}>{j.status}</span>
                            {j.attempts > 0 && <span class="muted"> · {j.attempts} failed tries</span>}
                          </td>
                          <td>{j.status === 'pending' ? time(j.run_at) : '—'}</td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              )}
            </section>
          </main>
        </body>
      </html>,
    );
  });
}
