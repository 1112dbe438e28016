import type { TimelinePost } from '../domain/posts.ts';

const CSS = `
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,-apple-system,Segoe UI,sans-serif;background:#f7f9fa;color:#0f1419}
main{max-width:640px;margin:2rem auto;padding:0 1rem}.card{background:#fff;border:1px solid #e1e8ed;border-radius:12px;padding:1rem;margin-bottom:1rem}
h1{font-size:1.3rem;margin:.2rem 0 1rem}.muted{color:#536471;font-size:.85rem}textarea{width:100%;min-height:5rem;font:inherit;padding:.5rem;border:1px solid #cfd9de;border-radius:8px}
select,button{font:inherit;padding:.35rem .8rem;border-radius:999px;border:1px solid #cfd9de;background:#fff}button{background:#1d9bf0;color:#fff;border:0;font-weight:600}
.post{border-bottom:1px solid #eff3f4;padding:.7rem 0}.post:last-child{border:0}.tag{color:#1d9bf0}.new{animation:flash 1.5s}@keyframes flash{from{background:#e8f5fd}to{background:transparent}}
`;

// Runs in the browser: new posts arrive over Server-Sent Events and go on top.
const LIVE = `
const list = document.getElementById('posts');
const esc = (s) => s.replace(/[&<>"']/g, (c) => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'}[c]));
const tags = (s) => esc(s).replace(/(^|[^\\p{L}\\p{N}_&#])#([\\p{L}\\p{N}_]+)/gu, '$1<span class="tag">#$2</span>');
new EventSource('/timeline/stream').addEventListener('post', (e) => {
  const p = JSON.parse(e.data);
  const li = document.createElement('li');
  li.className = 'post new';
  li.id = 'post-' + p.id;
  li.innerHTML = '<b>' + esc(p.name) + '</b> <span class="muted">@' + esc(p.username) + ' · ' + esc(p.created_at) + ' · id ' + esc(p.id) + '</span><div>' + tags(p.text) + '</div>';
  document.getElementById('empty')?.remove();
  list.prepend(li);
});
`;

function PostText({ text }: { text: string }) {
  const parts = text.split(/((?:^|(?<=[^\p{L}\p{N}_&#]))#[\p{L}\p{N}_]+)/u);
  return <div>{parts.map((p) => (p.startsWith('#') ? <span class="tag">{p}</span> : p))}</div>;
}

/** The timeline, newest first, with a compose box in dev mode (post as any seeded user). */
export function TimelinePage(props: {
  posts: TimelinePost[];
  users: { username: string; name: string }[];
  canPost: boolean;
  error?: string;
}) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>Social — Hooklab</title>
        <style>{CSS}</style>
      </head>
      <body>
        <main>
          <h1>Social</h1>
          <p class="muted">
            An X-like feed. Apps register webhooks (<code>POST /2/webhooks</code>) and rules (
            <code>POST /2/tweets/search/stream/rules</code>); each matching post is delivered to them, signed.
          </p>
          {props.canPost ? (
            <form class="card" method="post" action="/compose">
              <textarea name="text" maxlength={280} required placeholder="What is happening? Try #dresses" />
              <p>
                Post as{' '}
                <select name="username">
                  {props.users.map((u) => (
                    <option value={u.username}>
                      {u.name} (@{u.username})
                    </option>
                  ))}
                </select>{' '}
                <button type="submit">Post</button>
              </p>
            </form>
          ) : (
            <p class="muted">
              Posting from this page is a dev-mode feature; use POST /2/tweets with a user token.
            </p>
          )}
          <ul class="card" id="posts" style="list-style:none;padding-left:1rem">
            {props.posts.length === 0 ? (
              <li id="empty" class="muted">
                No posts yet.
              </li>
            ) : (
              props.posts.map((p) => (
                <li class="post" id={`post-${p.id}`}>
                  <b>{p.name}</b>{' '}
                  <span class="muted">
                    @{p.username} · {p.created_at} · id {p.id}
                  </span>
                  <PostText text={p.text} />
                </li>
              ))
            )}
          </ul>
        </main>
        <script dangerouslySetInnerHTML={{ __html: LIVE }} />
      </body>
    </html>
  );
}
