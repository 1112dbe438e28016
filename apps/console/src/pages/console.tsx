/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// (The pragma keeps hono/jsx when tsx runs this from another workspace, e.g. `pnpm walkthrough --stack`.)
import type { ScenarioInfo } from '@hooklab/scenarios';
import { raw } from 'hono/html';
import { CSS } from './styles.ts';

/** JSON for a `<script type="application/json">`: `<` escaped so no string in it can close the tag. */
const inlineJson = (value: unknown) => raw(JSON.stringify(value).replaceAll('<', '\\u003c'));

/** The console's one page: a frame the client script fills in from the live stream. */
export function ConsolePage(props: {
  catalog: ScenarioInfo[];
  urls: Record<string, string>;
  script: string;
}) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>Hooklab console</title>
        <style>{raw(CSS)}</style>
        <script type="module" src={`/assets/${props.script}`} />
      </head>
      <body>
        <header>
          <h1>Hooklab console</h1>
          <span id="conn" data-state="offline">
            ○ connecting…
          </span>
          <ul id="services" aria-label="Apps" />
        </header>
        <main>
          <section aria-labelledby="scenarios-h">
            <h2 id="scenarios-h">Scenarios</h2>
            <div id="scenarios">
              {props.catalog.map((s) => (
                <p>
                  {s.id} {s.title}
                </p>
              ))}
            </div>
          </section>
          <section aria-labelledby="trace-h">
            <h2 id="trace-h">Run and trace</h2>
            <div id="run" data-testid="run" />
            <div id="trials" hidden />
            <div class="toolbar">
              <label>
                Showing <select id="trace-select" data-testid="trace-select" />
              </label>
              <a id="export-har" href="#export" data-testid="export-har" download="trace.har" hidden>
                Export HAR
              </a>
              <a id="export-mermaid" href="#export" data-testid="export-mermaid" download="trace.mmd" hidden>
                Export Mermaid
              </a>
            </div>
            <div class="legend-row">
              <span>
                <i style="color:#2563eb" />
                API call
              </span>
              <span>
                <i style="color:#7c3aed" />
                webhook / callback
              </span>
              <span>
                <i style="color:#db2777;border-top-style:dotted" />
                e-mail
              </span>
              <span>
                <i style="color:#b45309;border-top-style:dotted" />
                queue
              </span>
              <span>
                <i style="color:#0891b2;border-top-style:dashed" />
                topic
              </span>
              <span>
                <i style="color:#0d9488" />
                other (handshake, verification)
              </span>
              <span>
                <i style="color:#d97706;border-top-style:dashed" />
                retry
              </span>
              <span>
                <i style="color:#dc2626" />
                failed ✕
              </span>
              <span>
                <i style="color:#9ca3af" />
                polls that told nothing new
              </span>
            </div>
            <div id="diagram" />
            <p id="diagram-note" class="muted" />
          </section>
          <aside aria-label="Counters and switches">
            <h2>Counters</h2>
            <div id="counters" data-testid="counters" />
            <div id="chart" data-testid="chart" hidden />
            <h2>Break things</h2>
            <p class="muted">
              Faults act on each app's webhook-receiving routes; senders pause their outbox; the topic broker
              and the queue consumers fail in every process. Dev mode only.
            </p>
            <div id="transport-controls" />
            <div id="controls" />
            <h3>Switches flipped</h3>
            <div id="switches" />
          </aside>
        </main>
        <aside id="details" aria-label="Exchange details" hidden />
        <p id="flash" class="error" role="alert" hidden />
        <script type="application/json" id="boot">
          {inlineJson({ catalog: props.catalog, urls: props.urls })}
        </script>
      </body>
    </html>
  );
}
