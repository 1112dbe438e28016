import { errors } from '@hooklab/service';
import { Hono } from 'hono';
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import { type TickerContext, topicUrl } from '../context.ts';
import type { Quote } from '../domain/market.ts';

const CSS = `
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,-apple-system,Segoe UI,sans-serif;background:#f4f6fa;color:#1b2333}
main{max-width:860px;margin:2rem auto;padding:0 1rem}.card{background:#fff;border:1px solid #dbe1ec;border-radius:8px;padding:1.25rem;margin-bottom:1rem}
h1{font-size:1.3rem;margin:.2rem 0 1rem}.muted{color:#5d6b82;font-size:.85rem}table{width:100%;border-collapse:collapse}
td,th{text-align:left;padding:.4rem;border-bottom:1px solid #eef1f6}td.num{text-align:right;font-variant-numeric:tabular-nums}
.up{color:#0a7a32}.down{color:#b3261e}code{font-size:.85em;background:#eef1f6;padding:0 .25rem;border-radius:3px}
`;

// Polls the JSON API once a second; the browser revalidates with If-None-Match, so unchanged prices are 304s.
const LIVE = (path: string) => `
<script>
(function(){
  var fmt=function(n){return n.toFixed(2)};
  async function tick(){
    try{
      var r=await fetch(${JSON.stringify(path)},{headers:{accept:'application/json'},cache:'no-cache'});
      if(r.ok){var j=await r.json();(j.data||[j]).forEach(function(q){
        var row=document.querySelector('[data-symbol="'+q.symbol+'"]');if(!row)return;
        row.querySelector('.price').textContent=fmt(q.price);
        var ch=row.querySelector('.change');ch.textContent=(q.change>=0?'+':'')+fmt(q.change);ch.className='num change '+(q.change>=0?'up':'down');
        row.querySelector('.seq').textContent=q.seq;row.querySelector('.at').textContent=q.updated_at.slice(11,23);
      });}
    }catch(e){}
    setTimeout(tick,1000);
  }
  setTimeout(tick,1000);
})();
</script>`;

function Layout(props: { title: string; head?: Child; children: Child; live: string }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title}</title>
        {props.head}
        <style>{raw(CSS)}</style>
      </head>
      <body>
        <main>{props.children}</main>
        {raw(LIVE(props.live))}
      </body>
    </html>
  );
}

function Row(props: { q: Quote; link: boolean }) {
  const { q } = props;
  return (
    <tr data-symbol={q.symbol}>
      <td>{props.link ? <a href={`/symbols/${q.symbol}`}>{q.symbol}</a> : q.symbol}</td>
      <td>{q.name}</td>
      <td class="num price">{q.price.toFixed(2)}</td>
      <td class={`num change ${q.change >= 0 ? 'up' : 'down'}`}>
        {(q.change >= 0 ? '+' : '') + q.change.toFixed(2)}
      </td>
      <td class="num seq">{q.seq}</td>
      <td class="num at">{new Date(q.at).toISOString().slice(11, 23)}</td>
    </tr>
  );
}

function Table(props: { quotes: Quote[]; link: boolean }) {
  return (
    <table>
      <thead>
        <tr>
          <th>Symbol</th>
          <th>Name</th>
          <th>Price (USD)</th>
          <th>Change</th>
          <th>Changes</th>
          <th>Last change (UTC)</th>
        </tr>
      </thead>
      <tbody>
        {props.quotes.map((q) => (
          <Row q={q} link={props.link} />
        ))}
      </tbody>
    </table>
  );
}

/** `GET /` (every symbol, live) and `GET /symbols/:symbol` (one symbol, with WebSub `<link>` discovery). */
export function pageRoutes(ctx: TickerContext) {
  return new Hono()
    .get('/', (c) => {
      const rate = ctx.config.TICKER_UPDATES_PER_SECOND;
      return c.html(
        <Layout title="Ticker" live="/quotes">
          <div class="card">
            <h1>Ticker</h1>
            <p class="muted">
              {rate > 0 ? `Each price moves ${rate} time(s) a second.` : 'Prices are standing still.'} Every
              change pings the hub at <code>{ctx.hubUrl}</code>; subscribe to a symbol’s topic, or poll{' '}
              <code>GET /quotes/:symbol</code> with <code>If-None-Match</code>.
            </p>
            <Table quotes={ctx.market.all()} link />
          </div>
        </Layout>,
      );
    })
    .get('/symbols/:symbol', (c) => {
      const q = ctx.market.quote(c.req.param('symbol'));
      if (!q) throw errors.notFound(`Symbol ${c.req.param('symbol').slice(0, 20)}`);
      const topic = topicUrl(ctx, q.symbol);
      return c.html(
        <Layout
          title={`${q.symbol} · Ticker`}
          live={`/quotes/${q.symbol}`}
          head={
            <>
              <link rel="hub" href={ctx.hubUrl} />
              <link rel="self" href={topic} />
              <link rel="alternate" type="application/json" href={topic} />
            </>
          }
        >
          <div class="card">
            <h1>
              {q.symbol} — {q.name}
            </h1>
            <Table quotes={[q]} link={false} />
            <p class="muted">
              WebSub topic <code>{topic}</code> (the <code>rel="self"</code> of this page), hub{' '}
              <code>{ctx.hubUrl}</code>. <a href="/">All symbols</a>
            </p>
          </div>
        </Layout>,
      );
    });
}
