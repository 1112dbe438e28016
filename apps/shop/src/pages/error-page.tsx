import { type ErrorPageRenderer, errorPageText } from '@hooklab/service';
import { Layout } from './pages.tsx';

/** The shop's error page for browsers: the kit's words in the shop's own layout (never internals). */
export const shopErrorPage: ErrorPageRenderer = (c, e) => {
  const { title, message } = errorPageText(c, e);
  const requestId = c.get('requestId' as never) as string | undefined;
  return c.html(
    <Layout title={title}>
      <p class="muted">Error {e.status}</p>
      <h1>{title}</h1>
      <div class="notice bad" data-testid="error-message">
        {message}
        {e.issues?.length ? (
          <ul>
            {e.issues.map((i) => (
              <li>
                <strong>{i.path || 'form'}</strong>: {i.message}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      <p>
        <a class="button" href="/">
          Back to the dresses
        </a>
      </p>
      {requestId ? <p class="muted">Request id {requestId}</p> : null}
    </Layout>,
    e.status,
    { 'cache-control': 'no-store', ...e.headers },
  );
};
