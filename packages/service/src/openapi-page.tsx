/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { raw } from 'hono/html';
import type { JSX } from 'hono/jsx/jsx-runtime';
import type { JsonSchema, OpenApiDocument, OperationObject, ParameterObject } from './openapi.ts';

// Inline styles only: the docs must render on a machine with no network (no CDN, no web fonts).
const STYLE = `
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
main{max-width:980px;margin:0 auto;padding:24px}
h1{margin:0 0 4px}h2{margin:32px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
nav a{margin-right:12px}
details.op{background:#fff;border:1px solid #d0d7de;border-radius:6px;margin:8px 0}
details.op>summary{cursor:pointer;padding:8px 12px;list-style:none;display:flex;gap:12px;align-items:baseline}
details.op>div{padding:0 12px 12px;border-top:1px solid #eaeef2}
.m{font:600 12px ui-monospace,monospace;padding:2px 8px;border-radius:4px;color:#fff;min-width:56px;text-align:center}
.get{background:#0969da}.post{background:#1a7f37}.put,.patch{background:#9a6700}.delete{background:#cf222e}
.head,.options{background:#6e7781}
code,pre{font:13px ui-monospace,SFMono-Regular,Menlo,monospace}
pre{background:#f6f8fa;border:1px solid #eaeef2;border-radius:4px;padding:8px;overflow:auto;max-height:420px}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:4px 8px;border-bottom:1px solid #eaeef2;vertical-align:top}
.muted{color:#656d76}.req{color:#cf222e;font-size:12px}
`;

/** Text with `code spans` (the descriptions' only markup). */
function Prose({ text }: { text?: string }) {
  if (!text) return null;
  const parts = text.split('`');
  return <p>{parts.map((part, i) => (i % 2 === 1 ? <code>{part}</code> : part))}</p>;
}

const pretty = (schema: JsonSchema) => JSON.stringify(schema, null, 2);

function Parameters({ params }: { params: ParameterObject[] }) {
  return (
    <table>
      <thead>
        <tr>
          <th>Name</th>
          <th>In</th>
          <th>Schema</th>
          <th>Description</th>
        </tr>
      </thead>
      <tbody>
        {params.map((p) => (
          <tr>
            <td>
              <code>{p.name}</code> {p.required ? <span class="req">required</span> : null}
            </td>
            <td>{p.in}</td>
            <td>
              <code>{JSON.stringify(p.schema)}</code>
            </td>
            <td>
              <Prose text={p.description} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Content({ content }: { content?: Record<string, { schema: JsonSchema }> }) {
  if (!content) return null;
  return (
    <>
      {Object.entries(content).map(([type, { schema }]) => (
        <>
          <p class="muted">
            <code>{type}</code>
          </p>
          {Object.keys(schema).length ? <pre>{pretty(schema)}</pre> : null}
        </>
      ))}
    </>
  );
}

function Operation({ method, path, op }: { method: string; path: string; op: OperationObject }) {
  return (
    <details class="op" id={op.operationId}>
      <summary>
        <span class={`m ${method}`}>{method.toUpperCase()}</span>
        <code>{path}</code>
        <span class="muted">{op.summary}</span>
      </summary>
      <div>
        <Prose text={op.description} />
        {op.security ? (
          <p>
            Auth:{' '}
            {op.security.length === 0
              ? 'none'
              : op.security.map((req) => Object.keys(req).join(' + ')).join(' or ')}
          </p>
        ) : null}
        {op.parameters?.length ? (
          <>
            <h4>Parameters</h4>
            <Parameters params={op.parameters} />
          </>
        ) : null}
        {op.requestBody ? (
          <>
            <h4>Request body</h4>
            <Prose text={op.requestBody.description} />
            <Content content={op.requestBody.content} />
          </>
        ) : null}
        <h4>Responses</h4>
        {Object.entries(op.responses).map(([status, res]) => (
          <>
            <p>
              <strong>{status}</strong> {res.description}
            </p>
            <Content content={res.content} />
          </>
        ))}
      </div>
    </details>
  );
}

/** The whole docs page of a document: operations grouped by tag, schemas pretty-printed, no assets. */
export function renderDocsPage(doc: OpenApiDocument): JSX.Element {
  const groups = new Map<string, { method: string; path: string; op: OperationObject }[]>();
  for (const t of doc.tags ?? []) groups.set(t.name, []);
  for (const [path, ops] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(ops) as [string, OperationObject][])
      for (const tag of op.tags?.length ? op.tags : ['Other']) {
        if (!groups.has(tag)) groups.set(tag, []);
        groups.get(tag)!.push({ method, path, op });
      }
  const schemes = Object.entries(doc.components.securitySchemes ?? {});
  const schemas = Object.entries(doc.components.schemas);
  return (
    <>
      {raw('<!doctype html>')}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{`${doc.info.title} — API docs`}</title>
          <style>{raw(STYLE)}</style>
        </head>
        <body>
          <main>
            <h1>{doc.info.title}</h1>
            <p class="muted">
              Version {doc.info.version} · OpenAPI {doc.openapi} · <a href="/openapi.json">/openapi.json</a>
            </p>
            <Prose text={doc.info.description} />
            <nav>
              {[...groups.keys()].map((tag) => (
                <a href={`#tag-${tag}`}>{tag}</a>
              ))}
            </nav>
            {schemes.length ? (
              <>
                <h2>Authentication</h2>
                {schemes.map(([name, s]) => (
                  <p>
                    <code>{name}</code> ({[s.type, s.scheme, s.in, s.name].filter(Boolean).join(', ')}){' '}
                    {typeof s.description === 'string' ? s.description : ''}
                  </p>
                ))}
              </>
            ) : null}
            {[...groups.entries()].map(([tag, ops]) => (
              <section id={`tag-${tag}`}>
                <h2>{tag}</h2>
                {ops.map((o) => (
                  <Operation {...o} />
                ))}
              </section>
            ))}
            {schemas.length ? (
              <>
                <h2>Schemas</h2>
                {schemas.map(([name, schema]) => (
                  <details class="op" id={`schema-${name}`}>
                    <summary>
                      <code>{name}</code>
                    </summary>
                    <div>
                      <pre>{pretty(schema)}</pre>
                    </div>
                  </details>
                ))}
              </>
            ) : null}
          </main>
        </body>
      </html>
    </>
  );
}
