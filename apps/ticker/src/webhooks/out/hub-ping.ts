import type { FetchLike, Logger } from '@hooklab/service';

export interface PingStats {
  /** Publish pings the hub answered 2xx. */
  sent: number;
  failed: number;
  /** Changes folded into a ping already on its way (the hub fetches the topic, so it gets the newest). */
  coalesced: number;
}

/**
 * Tells the hub a topic changed: `hub.mode=publish&hub.url=<topic>` (WebSub leaves publishing to the hub;
 * ours and most accept this form). One ping per topic at a time: changes during a ping fold into one more.
 */
export function createHubPinger(opts: { hubUrl: string; fetch: FetchLike; logger?: Logger }) {
  const stats: PingStats = { sent: 0, failed: 0, coalesced: 0 };
  const inFlight = new Map<string, Promise<void>>();
  const again = new Set<string>();

  // Logged when the hub starts failing and when it is back, not on every change (a walk changes often).
  let failing = false;
  const outcome = (ok: boolean, detail: Record<string, unknown>) => {
    if (ok) stats.sent++;
    else stats.failed++;
    if (ok === !failing) return;
    failing = !ok;
    if (ok) opts.logger?.info({ hub: opts.hubUrl }, 'hub takes publish pings again');
    else opts.logger?.warn({ hub: opts.hubUrl, ...detail }, 'hub refused or missed a publish ping');
  };

  async function ping(topic: string): Promise<void> {
    try {
      const res = await opts.fetch(opts.hubUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': topic }).toString(),
      });
      await res.body?.cancel().catch(() => {});
      outcome(res.ok, { status: res.status, topic });
    } catch (err) {
      outcome(false, { err: (err as Error).message, topic });
    }
  }

  function run(topic: string): void {
    const p = ping(topic).finally(() => {
      inFlight.delete(topic);
      if (again.delete(topic)) run(topic);
    });
    inFlight.set(topic, p);
  }

  return {
    /** A topic changed: ping now, or once more after the ping in flight. */
    changed(topic: string): void {
      if (inFlight.has(topic)) {
        if (again.has(topic)) stats.coalesced++;
        again.add(topic);
        return;
      }
      run(topic);
    },
    stats: (): PingStats => ({ ...stats }),
    /** Waits for the pings on their way (shutdown). */
    async drain(): Promise<void> {
      while (inFlight.size) await Promise.all([...inFlight.values()]);
    },
  };
}

export type HubPinger = ReturnType<typeof createHubPinger>;
