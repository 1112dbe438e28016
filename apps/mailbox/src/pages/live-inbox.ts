// The inbox page's only script (served with a CSP nonce): new messages appear at the top as they arrive
// (GET /api/v1/events), deleted ones go, and "Delete all" calls the API. Text only, never innerHTML.
export const LIVE_INBOX_SCRIPT = `
(() => {
  const body = document.getElementById('messages');
  const count = document.getElementById('count');
  const empty = document.getElementById('empty');
  if (!body) return;
  const setCount = (n) => { if (count) count.textContent = String(n); if (empty) empty.hidden = n > 0; };
  const cell = (cls, href, main, extra) => {
    const td = document.createElement('td');
    if (cls) td.className = cls;
    const a = document.createElement('a');
    a.href = href;
    a.textContent = main;
    if (extra) { const s = document.createElement('span'); s.className = 'snippet'; s.textContent = ' ' + extra; a.append(s); }
    td.append(a);
    return td;
  };
  const who = (a) => a ? (a.name ? a.name + ' <' + a.address + '>' : a.address) : '';
  const es = new EventSource('/api/v1/events');
  es.addEventListener('message', (ev) => {
    const m = JSON.parse(ev.data);
    if (document.getElementById('row-' + m.id)) return;
    const tr = document.createElement('tr');
    tr.id = 'row-' + m.id;
    tr.className = 'new';
    const href = '/messages/' + encodeURIComponent(m.id);
    tr.append(
      cell('', href, who(m.from) || m.envelope.from),
      cell('', href, (m.to.length ? m.to.map(who) : m.envelope.to).join(', ')),
      cell('subject', href, m.subject || '(no subject)', m.snippet),
      cell('muted', href, m.received_at.replace('T', ' ').slice(0, 19)),
    );
    body.prepend(tr);
    setCount(body.rows.length);
  });
  es.addEventListener('deleted', (ev) => {
    document.getElementById('row-' + JSON.parse(ev.data).id)?.remove();
    setCount(body.rows.length);
  });
  es.addEventListener('cleared', () => { body.replaceChildren(); setCount(0); });
  document.getElementById('delete-all')?.addEventListener('click', async () => {
    if (confirm('Delete every message?')) await fetch('/api/v1/messages', { method: 'DELETE' });
  });
})();
`;
