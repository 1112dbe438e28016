import { Hono } from 'hono';
import { raw } from 'hono/html';
import type { SlackContext } from '../context.ts';
import { CLIENT_JS, SETTINGS_JS } from './client.ts';
import { CSS } from './styles.ts';

function Layout(props: { title: string; children: unknown; script: string }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title}</title>
        <style>{raw(CSS)}</style>
      </head>
      <body>
        {props.children}
        <script>{raw(props.script)}</script>
      </body>
    </html>
  );
}

/** The chat client (channels, live messages, threads, reactions, buttons, a box to type in) and the app settings page. */
export function pageRoutes(ctx: SlackContext) {
  const app = new Hono();
  app.get('/', (c) =>
    c.html(
      <Layout title={`${ctx.config.SLACK_TEAM_NAME} — Slack`} script={CLIENT_JS}>
        <div class="app">
          <nav>
            <h1>{ctx.config.SLACK_TEAM_NAME}</h1>
            <div id="channels" />
            <label>
              You are
              <select id="me" />
            </label>
            <div class="foot">
              <a href="/settings">App settings</a> · <a href="/docs">API docs</a>
            </div>
          </nav>
          <section>
            <header id="title">…</header>
            <div class="messages" id="messages" />
            <form class="compose" id="compose">
              <input
                name="text"
                autocomplete="off"
                placeholder="Message, or a slash command such as /order ORD-1042"
              />
              <button type="submit">Send</button>
            </form>
          </section>
          <section>
            <header>
              Thread{' '}
              <button type="button" id="close-thread">
                ×
              </button>
            </header>
            <div class="messages" id="thread-messages" />
            <form class="compose" id="thread-compose">
              <input name="text" autocomplete="off" placeholder="Reply…" />
              <button type="submit">Reply</button>
            </form>
          </section>
        </div>
      </Layout>,
    ),
  );
  app.get('/settings', (c) =>
    c.html(
      <Layout title="Slack app settings" script={SETTINGS_JS}>
        <main class="settings">
          <p>
            <a href="/">← back to the workspace</a>
          </p>
          <h1>Apps</h1>
          <p>
            The admin API (<code>/admin/…</code>, see <a href="/docs">/docs</a>) does the same with a key.
          </p>
          <div id="apps" />
        </main>
      </Layout>,
    ),
  );
  return app;
}
