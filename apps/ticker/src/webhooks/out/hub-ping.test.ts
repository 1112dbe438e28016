import type { Logger } from '@hooklab/service';
import { describe, expect, it } from 'vitest';
import { recordingHub, testContext } from '../../test-support.ts';
import { createHubPinger } from './hub-ping.ts';

describe('hub pings', () => {
  it('each price change pings the hub with hub.mode=publish and the topic URL', async () => {
    const hub = recordingHub();
    const ctx = testContext({}, { fetch: hub.fetch });
    ctx.market.move('ACME');
    await ctx.pinger.drain();
    ctx.market.move('GLOBEX');
    await ctx.pinger.drain();
    expect(hub.forms.map((f) => Object.fromEntries(f))).toEqual([
      { 'hub.mode': 'publish', 'hub.url': 'http://ticker.test/topics/ACME' },
      { 'hub.mode': 'publish', 'hub.url': 'http://ticker.test/topics/GLOBEX' },
    ]);
    expect(ctx.pinger.stats()).toEqual({ sent: 2, failed: 0, coalesced: 0 });
  });

  it('folds changes made while a ping is on its way into one more ping', async () => {
    const hub = recordingHub();
    const pinger = createHubPinger({ hubUrl: 'http://hub.test/', fetch: hub.fetch });
    for (let i = 0; i < 4; i++) pinger.changed('http://ticker.test/topics/ACME');
    await pinger.drain();
    expect(hub.forms).toHaveLength(2);
    expect(pinger.stats()).toEqual({ sent: 2, failed: 0, coalesced: 2 });
  });

  it('counts a refused or unreachable hub without throwing', async () => {
    const refused = createHubPinger({ hubUrl: 'http://hub.test/', fetch: recordingHub(400).fetch });
    refused.changed('http://ticker.test/topics/ACME');
    await refused.drain();
    const down = createHubPinger({
      hubUrl: 'http://hub.test/',
      fetch: async () => {
        throw new Error('ECONNREFUSED');
      },
    });
    down.changed('http://ticker.test/topics/ACME');
    await down.drain();
    expect([refused.stats().failed, down.stats().failed]).toEqual([1, 1]);
  });

  it('logs when the hub starts failing and when it is back, not on every ping', async () => {
    const logged: string[] = [];
    const logger = {
      warn: (_o: unknown, msg: string) => logged.push(`warn ${msg}`),
      info: (_o: unknown, msg: string) => logged.push(`info ${msg}`),
    } as unknown as Logger;
    let status = 503;
    const pinger = createHubPinger({
      hubUrl: 'http://hub.test/',
      logger,
      fetch: async () => new Response(null, { status }),
    });
    for (const next of [503, 503, 503, 202, 202]) {
      status = next;
      pinger.changed('http://ticker.test/topics/ACME');
      await pinger.drain();
    }
    expect(logged).toEqual([
      'warn hub refused or missed a publish ping',
      'info hub takes publish pings again',
    ]);
    expect(pinger.stats()).toMatchObject({ sent: 2, failed: 3 });
  });
});
