export const CSS = `
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,-apple-system,Segoe UI,sans-serif;background:#f4f5f7;color:#1f2430}
header{background:#24303f;color:#fff;padding:.7rem 1.25rem;display:flex;gap:1rem;align-items:center}header a{color:#fff;text-decoration:none;font-weight:600}
header .muted{color:#b8c2cf}main{max-width:1100px;margin:1.25rem auto;padding:0 1rem}
.card{background:#fff;border:1px solid #dfe3e8;border-radius:8px;padding:1rem 1.25rem;margin-bottom:1rem}
h1{font-size:1.2rem;margin:.2rem 0 .8rem}.muted{color:#6b7685;font-size:.85rem}
table{width:100%;border-collapse:collapse;font-size:.9rem}td,th{text-align:left;padding:.45rem .4rem;border-bottom:1px solid #eef0f3;vertical-align:top}
tr.new{animation:arrive 1.2s ease-out}@keyframes arrive{from{background:#fff4c2}to{background:transparent}}
td a{color:#1f2430;text-decoration:none;display:block}td.subject a{font-weight:600}td .snippet{color:#6b7685;font-weight:400}
nav.tabs{display:flex;gap:.25rem;border-bottom:1px solid #dfe3e8;margin:1rem 0 0}nav.tabs a{padding:.4rem .9rem;border:1px solid transparent;border-bottom:0;border-radius:6px 6px 0 0;color:#3d4b5c;text-decoration:none}
nav.tabs a[aria-current=page]{background:#fff;border-color:#dfe3e8;color:#1f2430;font-weight:600;margin-bottom:-1px}
.pane{background:#fff;border:1px solid #dfe3e8;border-top:0;padding:1rem;border-radius:0 0 8px 8px}
iframe{width:100%;min-height:32rem;border:0;background:#fff}pre{white-space:pre-wrap;word-break:break-word;margin:0;font-size:.82rem}
dl{display:grid;grid-template-columns:6rem 1fr;gap:.2rem .8rem;margin:0}dt{color:#6b7685}dd{margin:0}
button{background:#fff;color:#b42318;border:1px solid #b42318;border-radius:6px;padding:.3rem .8rem;cursor:pointer}
.badge{display:inline-block;padding:0 .4rem;border-radius:4px;font-size:.78rem;background:#eef0f3;color:#3d4b5c}
.notice{background:#eef4ff;border:1px solid #b7cdf5;padding:.5rem .7rem;border-radius:6px;margin-bottom:.8rem;font-size:.88rem}
input[type=search]{width:22rem;max-width:70%;padding:.35rem .5rem;border:1px solid #c9d1da;border-radius:6px}button.plain{color:#24303f;border-color:#c9d1da}
.empty{padding:2rem;text-align:center;color:#6b7685}
`;
