import type { Child } from 'hono/jsx';
import { formatAmount } from '../domain/currencies.ts';

const CSS = `
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,-apple-system,Segoe UI,sans-serif;background:#f6f8fa;color:#1a1f36}
main{max-width:960px;margin:2rem auto;padding:0 1rem}.card{background:#fff;border:1px solid #e3e8ee;border-radius:8px;padding:1.25rem;margin-bottom:1rem}
.narrow{max-width:460px}h1{font-size:1.3rem;margin:.2rem 0 1rem}h2{font-size:1.05rem;margin:0 0 .6rem}
label{display:block;font-weight:600;margin:.6rem 0 .2rem}input[type=text],input[type=email]{width:100%;padding:.55rem;border:1px solid #c9d1da;border-radius:6px;font-size:1rem}
button{background:#635bff;color:#fff;border:0;border-radius:6px;padding:.6rem 1rem;font-size:1rem;cursor:pointer;margin-top:.8rem}
button.secondary{background:#fff;color:#635bff;border:1px solid #635bff}button.danger{background:#df1b41}
.error{background:#fdecee;border:1px solid #df1b41;color:#8a1027;padding:.6rem;border-radius:6px;margin:.6rem 0}
.muted{color:#697386;font-size:.85rem}table{width:100%;border-collapse:collapse;font-size:.85rem}td,th{text-align:left;padding:.35rem;border-bottom:1px solid #eef1f4;vertical-align:top}
code{font-size:.85em;background:#f1f3f5;padding:0 .25rem;border-radius:3px}.total{font-size:1.4rem;font-weight:700}
.badge{display:inline-block;padding:0 .4rem;border-radius:4px;font-size:.8rem;background:#eef1f4}.ok{background:#d7f7c2}.bad{background:#ffe0e6}
.row{display:flex;gap:.75rem}.row>div{flex:1}.notice{background:#e6f4ff;border:1px solid #0a66c2;padding:.6rem;border-radius:6px;margin:.6rem 0}
pre{white-space:pre-wrap;word-break:break-all;margin:0;font-size:.8rem}form.inline{display:inline}form.inline button{margin:0;padding:.2rem .5rem;font-size:.8rem}
`;

/** The page frame shared by the hosted checkout, 3-D Secure and dashboard pages. */
export function Layout(props: { title: string; children: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title}</title>
        <style>{CSS}</style>
      </head>
      <body>
        <main>{props.children}</main>
      </body>
    </html>
  );
}

/** `2000, 'eur'` → `€20.00`; zero-decimal currencies as they are (`500, 'jpy'` → `¥500`). */
export const money = formatAmount;
