// The browser side of the chat page, plain JS in a string (no build step, no CDN).
export const CLIENT_JS = String.raw`
const $ = (s) => document.querySelector(s);
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
let ws = null, channel = null, thread = null;
const ephemerals = [];
const me = () => $('#me').value;
const name = (id) => (ws && ws.users[id]) || id;
function mrkdwn(t) {
  let s = esc(t);
  s = s.replace(/&lt;@(U[A-Z0-9]+)&gt;/g, (_, id) => '<span class="mention">@' + esc(name(id)) + '</span>');
  s = s.replace(/&lt;(https?:[^|&]+)\|([^&]+)&gt;/g, '<a href="$1" target="_blank" rel="noopener">$2</a>');
  s = s.replace(/&lt;(https?:[^&]+)&gt;/g, '<a href="$1" target="_blank" rel="noopener">$1</a>');
  return s.replace(/\x60([^\x60]+)\x60/g, '<code>$1</code>').replace(/\*([^*\n]+)\*/g, '<b>$1</b>').replace(/(^|\s)_([^_\n]+)_/g, '$1<i>$2</i>');
}
const textOf = (o) => (o && typeof o === 'object' ? o.text : o) || '';
function blocks(m) {
  const out = [];
  for (const b of m.blocks || []) {
    if (b.type === 'header') out.push('<div class="header">' + esc(textOf(b.text)) + '</div>');
    if (b.type === 'section') {
      let h = '<div class="section">' + mrkdwn(textOf(b.text));
      for (const f of b.fields || []) h += '<div>' + mrkdwn(textOf(f)) + '</div>';
      if (b.accessory && b.accessory.type === 'button') h += ' ' + button(m, b.accessory);
      out.push(h + '</div>');
    }
    if (b.type === 'context') out.push('<div class="context">' + (b.elements || []).map((e) => mrkdwn(textOf(e))).join(' · ') + '</div>');
    if (b.type === 'actions') out.push('<div class="actions">' + (b.elements || []).filter((e) => e.type === 'button').map((e) => button(m, e)).join('') + '</div>');
    if (b.type === 'divider') out.push('<hr>');
  }
  return out.length ? '<div class="blocks">' + out.join('') + '</div>' : '';
}
const button = (m, e) => '<button class="' + esc(e.style || '') + '" data-action="' + esc(e.action_id) + '" data-ts="' + esc(m.ts) + '">' + esc(textOf(e.text)) + '</button>';
function render(m, inThread) {
  const who = m.username || name(m.user);
  const when = new Date(Number(m.ts) * 1000).toLocaleTimeString();
  let h = '<div class="msg" data-ts="' + esc(m.ts) + '"><span class="who">' + esc(who) + '</span>' + (m.bot_id ? '<span class="bot">APP</span>' : '') + '<span class="when">' + when + (m.edited ? ' (edited)' : '') + '</span>';
  h += '<div class="text">' + mrkdwn(m.blocks && m.text === "This content can't be displayed." ? '' : m.text) + '</div>' + blocks(m);
  for (const a of m.attachments || []) h += '<div class="att" style="border-color:' + esc(a.color || '#ddd') + '">' + mrkdwn(a.pretext || '') + ' ' + mrkdwn(a.text || a.fallback || '') + '</div>';
  h += '<div class="reactions">' + (m.reactions || []).map((r) => '<button data-react="' + esc(r.name) + '" data-ts="' + esc(m.ts) + '">:' + esc(r.name) + ': ' + r.count + '</button>').join('') + '</div>';
  h += '<div class="meta">' + (!inThread && m.reply_count ? '<a data-thread="' + esc(m.ts) + '">' + m.reply_count + ' replies</a>' : '') + (!inThread ? '<a data-thread="' + esc(m.thread_ts || m.ts) + '">reply</a>' : '') + '<a data-react-new="' + esc(m.ts) + '">react</a></div>';
  return h + '</div>';
}
const ephemeralHtml = (e) => '<div class="msg ephemeral"><div class="note">Only visible to you</div><div class="text">' + mrkdwn(e.text || (e.message && e.message.text) || '') + '</div>' + (e.message ? blocks(e.message) : '') + '</div>';
async function api(method, path, body) {
  const res = await fetch('/ui' + path, { method, headers: { 'content-type': 'application/json', accept: 'application/json' }, body: body && JSON.stringify(body) });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) { alert(data.title || res.status); throw new Error(data.title); }
  return data;
}
async function load() {
  if (!channel) return;
  const data = await api('GET', '/channels/' + channel + '/messages');
  $('#title').textContent = '#' + data.channel.name;
  const mine = ephemerals.filter((e) => e.channel === channel && e.user === me() && !e.thread);
  const el = $('#messages');
  el.innerHTML = data.messages.map((m) => render(m, false)).join('') + mine.map(ephemeralHtml).join('');
  el.scrollTop = el.scrollHeight;
  for (const a of document.querySelectorAll('nav a[data-channel]')) a.classList.toggle('active', a.dataset.channel === channel);
  if (thread) loadThread();
}
async function loadThread() {
  const data = await api('GET', '/channels/' + channel + '/threads/' + thread);
  const mine = ephemerals.filter((e) => e.channel === channel && e.user === me() && e.thread === thread);
  $('#thread-messages').innerHTML = data.messages.map((m) => render(m, true)).join('') + mine.map(ephemeralHtml).join('');
  $('.app').classList.add('threaded');
}
document.addEventListener('click', async (ev) => {
  const t = ev.target.closest('[data-channel],[data-action],[data-thread],[data-react],[data-react-new],#close-thread');
  if (!t) return;
  ev.preventDefault();
  if (t.id === 'close-thread') { thread = null; $('.app').classList.remove('threaded'); return; }
  if (t.dataset.channel) { channel = t.dataset.channel; thread = null; $('.app').classList.remove('threaded'); history.replaceState(null, '', '?channel=' + channel); return load(); }
  if (t.dataset.action) return api('POST', '/actions', { channel, user: me(), ts: t.dataset.ts, action_id: t.dataset.action });
  if (t.dataset.thread) { thread = t.dataset.thread; return loadThread(); }
  if (t.dataset.react) return api('POST', '/reactions', { channel, user: me(), ts: t.dataset.ts, name: t.dataset.react });
  if (t.dataset.reactNew) { const n = prompt('Reaction name (e.g. eyes, white_check_mark)'); if (n) return api('POST', '/reactions', { channel, user: me(), ts: t.dataset.reactNew, name: n }); }
});
async function send(input, threadTs) {
  const text = input.value.trim();
  if (!text || !channel) return;
  input.value = '';
  if (text.startsWith('/')) await api('POST', '/commands', { channel, user: me(), text });
  else await api('POST', '/messages', { channel, user: me(), text, ...(threadTs ? { thread_ts: threadTs } : {}) });
}
$('#compose').addEventListener('submit', (e) => { e.preventDefault(); send($('#compose input')); });
$('#thread-compose').addEventListener('submit', (e) => { e.preventDefault(); send($('#thread-compose input'), thread); });
$('#me').addEventListener('change', load);
let timer = null;
const soon = () => { clearTimeout(timer); timer = setTimeout(load, 30); };
function follow() {
  const es = new EventSource('/ui/stream');
  es.addEventListener('change', (ev) => {
    const e = JSON.parse(ev.data);
    if (e.type === 'channel_created') return boot();
    if (e.type === 'ephemeral' || e.type === 'notice') ephemerals.push({ channel: e.channel, user: e.user, text: e.text, message: e.message, thread: e.message && e.message.thread_ts });
    if (e.channel === channel) soon();
  });
}
async function boot() {
  ws = await api('GET', '/workspace');
  $('#channels').innerHTML = ws.channels.map((c) => '<a href="?channel=' + c.id + '" data-channel="' + c.id + '"># ' + esc(c.name) + '</a>').join('');
  const sel = $('#me');
  const current = sel.value;
  sel.innerHTML = ws.people.map((p) => '<option value="' + p.id + '">' + esc(p.real_name) + '</option>').join('');
  if (current) sel.value = current;
  channel = channel || new URLSearchParams(location.search).get('channel') || (ws.channels[0] && ws.channels[0].id);
  load();
}
boot().then(follow);
`;

export const SETTINGS_JS = String.raw`
const $ = (s) => document.querySelector(s);
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
async function call(method, path, body, out) {
  out.textContent = '…';
  const res = await fetch('/ui' + path, { method, headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });
  const data = await res.json().catch(() => ({}));
  out.className = res.ok ? 'okmsg' : 'err';
  out.textContent = res.ok ? 'Saved.' + (data.url ? ' Webhook URL (shown once): ' + data.url : '') : (data.title || 'HTTP ' + res.status);
  if (res.ok && !data.url) setTimeout(show, 800);
}
async function show() {
  const { data } = await (await fetch('/ui/apps', { headers: { accept: 'application/json' } })).json();
  $('#apps').innerHTML = data.map((a) => '<div class="card" data-app="' + a.id + '"><h2>' + esc(a.name) + ' <small><code>' + a.id + '</code> bot <code>' + a.bot_user_id + '</code></small></h2>'
    + '<form data-form="events"><label>Event Subscriptions request URL (verified with url_verification)</label><input type="url" name="url" value="' + esc(a.event_request_url || '') + '" placeholder="http://localhost:3005/slack/events">'
    + '<label>Bot events</label>' + ['message.channels', 'app_mention', 'reaction_added'].map((t) => '<label style="display:inline;margin-right:1rem"><input type="checkbox" name="ev" value="' + t + '"' + (a.event_types.includes(t) ? ' checked' : '') + '> ' + t + '</label>').join('')
    + '<label>Interactivity request URL</label><input type="url" name="interactivity" value="' + esc(a.interactivity_url || '') + '">'
    + ' <p><button>Save</button> <span class="out"></span></p></form>'
    + '<h3>Slash commands</h3><ul>' + a.commands.map((c) => '<li><code>' + esc(c.command) + '</code> → ' + esc(c.url) + '</li>').join('') + '</ul>'
    + '<form data-form="command"><input type="text" name="command" placeholder="/order" style="width:8rem"> <input type="url" name="url" placeholder="http://localhost:3005/slack/events" style="width:24rem"> <button>Add or replace</button> <span class="out"></span></form>'
    + '<h3>Incoming webhooks</h3><ul>' + a.incoming_webhooks.map((h) => '<li><code>' + h.id + '</code> → ' + esc(h.channel) + '</li>').join('') + '</ul>'
    + '<form data-form="hook"><input type="text" name="channel" placeholder="orders" style="width:10rem"> <button>Add to channel</button> <span class="out"></span></form></div>').join('');
}
document.addEventListener('submit', (e) => {
  e.preventDefault();
  const f = e.target, id = f.closest('[data-app]').dataset.app, out = f.querySelector('.out');
  if (f.dataset.form === 'events') call('PATCH', '/apps/' + id, { event_request_url: f.url.value || null, event_types: [...f.querySelectorAll('[name=ev]:checked')].map((x) => x.value), interactivity_url: f.interactivity.value || null }, out);
  if (f.dataset.form === 'command') call('PUT', '/apps/' + id + '/commands/' + encodeURIComponent(f.command.value.replace(/^\//, '')), { url: f.url.value }, out);
  if (f.dataset.form === 'hook') call('POST', '/apps/' + id + '/incoming-webhooks', { channel: f.channel.value }, out);
});
show();
`;
