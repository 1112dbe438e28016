// The console's subscriptions: for every app of the service map, its /healthz, then its exchange stream
// (GET /_hooklab/exchanges/stream). An app that is down is shown down and tried again; a stream that
// breaks resumes where it stopped (Last-Event-ID), so nothing recorded in between is missed.
import {
  type ExchangeRecorder,
  type Logger,
  SERVICE_NAMES,
  type ServiceName,
  type ServiceUrls,
} from '@hooklab/service';
import type { RecordedExchange } from '../domain/hops.ts';
import type { ConsoleStore } from '../domain/store.ts';
import { readSse } from './sse.ts';

export interface UpstreamOptions {
  store: ConsoleStore;
  urls: ServiceUrls;
  /** The console's own recorder, followed in-process rather than over HTTP. */
  recorder: ExchangeRecorder;
  retryMs: number;
  /** Exchanges to ask for from an app's ring the first time it is reached. */
  backlog: number;
  devToken?: string;
  fetch?: typeof fetch;
  logger?: Logger;
}

/** Headers the console sends to the apps' dev-only routes. */
export function devHeaders(devToken: string | undefined): Record<string, string> {
  return devToken ? { 'x-hooklab-dev-token': devToken } : {};
}

export function createUpstreams(opts: UpstreamOptions) {
  const fetcher = opts.fetch ?? globalThis.fetch;
  const stop = new AbortController();
  const loops: Promise<void>[] = [];
  let unsubscribeSelf: (() => void) | undefined;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        stop.signal.removeEventListener('abort', done);
        resolve();
      };
      const t = setTimeout(done, ms);
      stop.signal.addEventListener('abort', done, { once: true });
    });

  async function follow(name: ServiceName) {
    const url = opts.urls[name];
    let lastId: string | undefined;
    while (!stop.signal.aborted) {
      let wait = opts.retryMs;
      try {
        const health = await fetcher(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
        await health.body?.cancel();
        if (!health.ok) throw new Error(`/healthz answered ${health.status}`);
        const res = await fetcher(`${url}/_hooklab/exchanges/stream?backlog=${lastId ? 0 : opts.backlog}`, {
          headers: {
            accept: 'text/event-stream',
            ...devHeaders(opts.devToken),
            ...(lastId ? { 'last-event-id': lastId } : {}),
          },
          signal: stop.signal,
        });
        if (!res.ok || !res.body) {
          await res.body?.cancel();
          opts.store.setService({
            name,
            url,
            status: 'no-recorder',
            detail: `up, but its recorder answered ${res.status}${res.status === 404 ? ' (not in dev mode?)' : ''}`,
          });
          wait = opts.retryMs * 5;
        } else {
          opts.store.setService({ name, url, status: 'up' });
          await readSse(
            res.body,
            (e) => {
              if (e.event !== 'exchange') return;
              try {
                opts.store.addExchange({ ...(JSON.parse(e.data) as RecordedExchange), service: name });
                if (e.id) lastId = e.id;
              } catch (err) {
                opts.logger?.warn({ err, service: name }, 'unreadable exchange event');
              }
            },
            stop.signal,
          );
          if (!stop.signal.aborted)
            opts.store.setService({ name, url, status: 'down', detail: 'its stream ended' });
        }
      } catch (err) {
        if (stop.signal.aborted) break;
        const cause = (err as { cause?: { code?: string } }).cause?.code;
        opts.store.setService({
          name,
          url,
          status: 'down',
          detail: cause ?? (err instanceof Error ? err.message : String(err)),
        });
      }
      await sleep(wait);
    }
  }

  return {
    start() {
      opts.store.setService({ name: 'console', url: opts.urls.console, status: 'up' });
      for (const e of opts.recorder.list()) opts.store.addExchange({ ...e, service: 'console' });
      unsubscribeSelf = opts.recorder.subscribe((e) => opts.store.addExchange({ ...e, service: 'console' }));
      for (const name of SERVICE_NAMES) {
        if (name === 'console') continue;
        opts.store.setService({ name, url: opts.urls[name], status: 'unknown' });
        loops.push(follow(name));
      }
    },
    async stop() {
      unsubscribeSelf?.();
      stop.abort();
      await Promise.allSettled(loops);
    },
  };
}

export type Upstreams = ReturnType<typeof createUpstreams>;
