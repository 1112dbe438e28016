/** The storefront's whole stylesheet: plain CSS, no build step. */
export const STYLES = `
:root { --ink:#1f1d1a; --muted:#6f6a62; --paper:#faf7f2; --line:#e4ddd2; --accent:#7a3b2e; --ok:#2f6b45; --warn:#a15c00; --bad:#a1262b; }
* { box-sizing: border-box; }
body { margin:0; font: 16px/1.55 "Iowan Old Style", "Palatino Linotype", Georgia, serif; color:var(--ink); background:var(--paper); }
a { color: inherit; }
header.site { display:flex; align-items:baseline; justify-content:space-between; padding:1.25rem 2rem; border-bottom:1px solid var(--line); }
header.site .brand { font-size:1.6rem; letter-spacing:.18em; text-transform:uppercase; text-decoration:none; }
header.site nav a { margin-left:1.5rem; text-decoration:none; font-family: system-ui, sans-serif; font-size:.9rem; }
main { max-width:1040px; margin:0 auto; padding:2rem; }
h1 { font-weight:400; font-size:2rem; margin:.2rem 0 1.2rem; }
h2 { font-weight:400; font-size:1.3rem; }
.grid { display:grid; grid-template-columns:repeat(auto-fill,minmax(220px,1fr)); gap:1.75rem; }
.card { text-decoration:none; display:block; }
.swatch { aspect-ratio:3/4; border-radius:2px; box-shadow: inset 0 -40px 60px rgba(0,0,0,.08); }
.card h3 { font-weight:400; margin:.6rem 0 .1rem; font-size:1.05rem; }
.price { font-family: system-ui, sans-serif; color:var(--muted); font-size:.95rem; }
.product { display:grid; grid-template-columns: 1fr 1fr; gap:2.5rem; }
.sku { font-family: ui-monospace, monospace; font-size:.8rem; color:var(--muted); }
form.inline { display:inline; }
button, .button { font: 500 .95rem system-ui, sans-serif; background:var(--ink); color:#fff; border:0; padding:.7rem 1.3rem; border-radius:2px; cursor:pointer; text-decoration:none; display:inline-block; }
button.link { background:none; color:var(--muted); padding:0; text-decoration:underline; }
input, select { font: .95rem system-ui, sans-serif; padding:.5rem .6rem; border:1px solid var(--line); border-radius:2px; background:#fff; width:100%; }
label { display:block; font: .8rem system-ui, sans-serif; color:var(--muted); margin:.6rem 0 .2rem; }
table { width:100%; border-collapse:collapse; font-family: system-ui, sans-serif; font-size:.92rem; }
th, td { text-align:left; padding:.55rem .4rem; border-bottom:1px solid var(--line); vertical-align:top; }
th { font-weight:500; color:var(--muted); }
.two { display:grid; grid-template-columns: 3fr 2fr; gap:2.5rem; }
.panel { background:#fff; border:1px solid var(--line); padding:1.25rem 1.5rem; border-radius:2px; }
.status { font: 600 .78rem system-ui, sans-serif; text-transform:uppercase; letter-spacing:.08em; padding:.3rem .6rem; border-radius:99px; background:var(--line); }
.status.paid, .status.fulfilled, .status.delivered, .status.ok { background:#dcefe2; color:var(--ok); }
.status.payment_failed, .status.fulfilment_failed, .status.refused, .status.mismatch, .status.error { background:#f6dcdc; color:var(--bad); }
.status.pending_payment, .status.pending { background:#f5e8cf; color:var(--warn); }
.status.refunded { background:#e4e4ee; color:#454566; }
.stock { margin:.25rem 0; font-size:.9rem; color:var(--warn); }
.stock.sold-out { color:var(--bad); }
.notice { padding:.8rem 1rem; border-left:3px solid var(--accent); background:#fff; margin:1rem 0; font-family: system-ui, sans-serif; font-size:.92rem; }
.notice.bad { border-color: var(--bad); }
ol.timeline { list-style:none; padding:0; margin:0; font-family: system-ui, sans-serif; font-size:.88rem; }
ol.timeline li { padding:.35rem 0 .35rem 1rem; border-left:2px solid var(--line); }
ol.timeline time { color:var(--muted); margin-right:.5rem; font-variant-numeric: tabular-nums; }
.muted { color:var(--muted); }
dl.facts { display:grid; grid-template-columns:auto 1fr; gap:.3rem 1rem; font-family: system-ui, sans-serif; font-size:.92rem; margin:0; }
dl.facts dt { color:var(--muted); }
dl.facts dd { margin:0; }
.live { font: .75rem system-ui, sans-serif; color:var(--muted); }
.live::before { content:'●'; color:var(--ok); margin-right:.3rem; }
footer { text-align:center; color:var(--muted); font: .8rem system-ui, sans-serif; padding:3rem 0; }
@media (max-width: 720px) { .product, .two { grid-template-columns:1fr; } }
`;
