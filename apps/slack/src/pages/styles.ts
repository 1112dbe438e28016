export const CSS = `
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;color:#1d1c1d;background:#fff}
.app{display:grid;grid-template-columns:220px 1fr 0;height:100vh}.app.threaded{grid-template-columns:220px 1fr 360px}
nav{background:#3f0e40;color:#e9dfe9;padding:.8rem;overflow:auto}nav h1{font-size:1.05rem;margin:.2rem 0 1rem;color:#fff}
nav a{display:block;color:#e9dfe9;text-decoration:none;padding:.2rem .5rem;border-radius:4px}nav a.active{background:#1164a3;color:#fff}
nav label{display:block;margin-top:1.2rem;font-size:.8rem}nav select{width:100%;margin-top:.2rem}
nav .foot{margin-top:1.5rem;font-size:.8rem}nav .foot a{display:inline;padding:0;text-decoration:underline}
section{display:flex;flex-direction:column;min-width:0;border-left:1px solid #ddd;height:100vh}
header{padding:.7rem 1rem;border-bottom:1px solid #ddd;font-weight:700}header button{float:right}
.messages{flex:1;overflow:auto;padding:.5rem 1rem}.msg{padding:.35rem 0;border-bottom:1px solid #f4f4f4}
.msg .who{font-weight:700}.msg .bot{font-size:.7rem;background:#eee;border-radius:3px;padding:0 .25rem;margin-left:.3rem;color:#555}
.msg .when{color:#777;font-size:.75rem;margin-left:.4rem}.msg .text{white-space:pre-wrap}
.msg.ephemeral{background:#f8f8f8;border-left:3px solid #bbb;padding-left:.5rem}.msg.ephemeral .note{font-size:.75rem;color:#777}
.blocks .section,.blocks .context{margin:.2rem 0}.blocks .context{color:#666;font-size:.8rem}.blocks .header{font-weight:700;font-size:1.05rem}
.blocks button,.actions button{margin:.2rem .3rem .2rem 0;padding:.25rem .7rem;border:1px solid #bbb;border-radius:4px;background:#fff;cursor:pointer}
.blocks button.primary{background:#007a5a;color:#fff;border-color:#007a5a}.blocks button.danger{background:#e01e5a;color:#fff;border-color:#e01e5a}
.att{border-left:4px solid #ddd;padding-left:.5rem;margin:.2rem 0}
.reactions button{font-size:.75rem;border:1px solid #ddd;border-radius:10px;background:#f6f6f6;margin-right:.2rem;cursor:pointer}
.meta a{font-size:.8rem;color:#1264a3;cursor:pointer;margin-right:.6rem}
form.compose{display:flex;gap:.4rem;padding:.6rem 1rem;border-top:1px solid #ddd}form.compose input{flex:1;padding:.45rem;border:1px solid #bbb;border-radius:4px}
code{background:#f3f3f3;padding:0 .2rem;border-radius:3px}.mention{background:#e8f5fa;color:#1264a3;border-radius:3px;padding:0 .15rem}
main.settings{max-width:900px;margin:1.5rem auto;padding:0 1rem}.card{border:1px solid #ddd;border-radius:8px;padding:1rem;margin-bottom:1rem}
.card label{display:block;margin:.4rem 0 .1rem;font-size:.85rem}.card input[type=text],.card input[type=url]{width:100%;padding:.35rem}
.err{color:#b00020}.okmsg{color:#007a5a}
`;
