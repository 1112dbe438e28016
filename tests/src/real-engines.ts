// Real Redis and mosquitto for the cross-app suites (S08, S14): REDIS_URL and MQTT_URL when set (CI starts
// both), else servers of their own. A suite runs when each engine it needs is given or installed, skips
// saying why when one is not, and fails instead under HOOKLAB_REQUIRE_SERVICES=1.

// The webhooks transport tests' servers (AOF redis, persistent mosquitto).
import { installed, type ServiceProcess, startMosquitto, startRedisServer } from '@hooklab/webhooks/testing';
import { describe, it } from 'vitest';

const ENGINES = {
  redis: { env: 'REDIS_URL', binary: 'redis-server', arg: '--version', start: startRedisServer },
  mqtt: { env: 'MQTT_URL', binary: 'mosquitto', arg: '-h', start: startMosquitto },
} as const;
export type RealEngine = keyof typeof ENGINES;

const missingOf = (engines: RealEngine[]) =>
  engines
    .map((e) => ENGINES[e])
    .filter((e) => !process.env[e.env] && !installed(e.binary, e.arg))
    .map((e) => e.binary);

/** A describe that needs `engines`: skipped with a reason, or failing under HOOKLAB_REQUIRE_SERVICES=1. */
export function realEnginesSuite(name: string, engines: RealEngine[], body: () => void): void {
  const missing = missingOf(engines);
  if (missing.length === 0) describe(name, body);
  else if (process.env.HOOKLAB_REQUIRE_SERVICES === '1') {
    describe(name, () => {
      it(`needs ${missing.join(' and ')}`, () => {
        throw new Error(
          `HOOKLAB_REQUIRE_SERVICES=1 but ${missing.join(' and ')} is missing (apt-get install ${missing.join(' ')})`,
        );
      });
    });
  } else {
    console.warn(`${name} — skipped: ${missing.join(' and ')} not found`);
    describe.skip(`${name} (skipped: ${missing.join(' and ')} not found)`, body);
  }
}

/** Each engine's URL, from its env var or from a server started for the caller; `stop()` ends those servers. */
export async function realEngines(
  engines: RealEngine[],
): Promise<{ urls: Partial<Record<RealEngine, string>>; stop(): Promise<void> }> {
  const started: ServiceProcess[] = [];
  const urls: Partial<Record<RealEngine, string>> = {};
  try {
    for (const name of engines) {
      const engine = ENGINES[name];
      const given = process.env[engine.env];
      if (given) urls[name] = given;
      else {
        const server = await engine.start();
        started.push(server);
        urls[name] = server.url;
      }
    }
  } catch (err) {
    await Promise.all(started.map((s) => s.stop()));
    throw err;
  }
  return { urls, stop: async () => void (await Promise.all(started.map((s) => s.stop()))) };
}
