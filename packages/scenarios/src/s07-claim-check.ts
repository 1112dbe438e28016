import { createHash } from 'node:crypto';
import { logisticsKeys, startCallbackReceiver } from './logistics-receiver.ts';
import { check, defineScenario, type ScenarioContext, waitFor } from './scenario.ts';

interface ManifestRef {
  manifest_id: string;
  date: string;
  url: string;
  size: number;
  content_type: string;
  sha256: string;
  expires_at: string;
}

export interface S07Result {
  manifestBytes: number;
  callbackBytes: number;
  downloadMs: number;
  sha256Matches: boolean;
  tampered: number;
  expired: number;
}

async function requestManifest(ctx: ScenarioContext, key: string, body: Record<string, unknown>) {
  const res = await ctx.fetch(`${ctx.urls.logistics}/v1/manifests`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  check(res.status === 202, `POST /v1/manifests answered ${res.status}`, await res.clone().text());
  return (await res.json()) as { id: string };
}

export const s07 = defineScenario<S07Result>({
  id: 'S07',
  title: 'Large results by reference (claim check)',
  story:
    'The end-of-day manifest is several MB. Logistics writes it to a blob store and the manifest.ready callback ' +
    'carries only a reference: a signed URL that expires, the size, the content type and a sha256 digest. The ' +
    'receiver downloads it and checks the digest. A tampered URL is refused (403), and so is an expired one (410).',
  actors: ['logistics'],
  steps: [
    'Start a receiver; ask for a multi-MB manifest with a callback_url → 202',
    'manifest.ready arrives: verified, and small',
    'Download through the signed URL; the sha256 matches',
    'A tampered URL → 403',
    'A manifest with a 1-second URL; once expired → 410',
  ],
  async run(ctx) {
    const keys = logisticsKeys(ctx);
    const minBytes = Number(ctx.params.manifest_bytes ?? 5 * 1024 * 1024);
    ctx.step(0);
    const receiver = await startCallbackReceiver({ secret: keys.callbackSecret });
    try {
      const { id } = await requestManifest(ctx, keys.key, {
        callback_url: `${receiver.url}/manifests`,
        min_bytes: minBytes,
      });
      ctx.say(`202 ${id}: writing at least ${(minBytes / 1048576).toFixed(1)} MB`);

      ctx.step(1);
      const delivery = await waitFor(
        () =>
          receiver.received.find(
            (d) => d.event?.type === 'manifest.ready' && d.event.data.manifest_id === id,
          ),
        { what: 'manifest.ready', timeoutMs: 60_000 },
      );
      const ref = delivery.event!.data as unknown as ManifestRef;
      check(delivery.bytes < 2048, `the callback body is under 2 KB (${delivery.bytes} bytes)`);
      ctx.say(`manifest.ready: ${delivery.bytes} bytes of callback for ${ref.size} bytes of manifest`, ref);

      ctx.step(2);
      const started = performance.now();
      const res = await ctx.fetch(ref.url);
      check(res.status === 200, `download answered ${res.status}`);
      const bytes = Buffer.from(await res.arrayBuffer());
      const downloadMs = performance.now() - started;
      const digest = createHash('sha256').update(bytes).digest('hex');
      check(bytes.length === ref.size, 'the size matches', { got: bytes.length, want: ref.size });
      check(digest === ref.sha256, 'the sha256 matches', { got: digest, want: ref.sha256 });
      check(res.headers.get('content-type') === ref.content_type, 'the content type matches');
      ctx.say(
        `downloaded ${(bytes.length / 1048576).toFixed(1)} MB in ${downloadMs.toFixed(0)} ms, sha256 ${digest.slice(0, 12)}… matches`,
      );

      ctx.step(3);
      const u = new URL(ref.url);
      const sig = u.searchParams.get('signature') ?? u.searchParams.get('X-Amz-Signature') ?? '';
      const forged = ref.url.replace(sig, `${sig.slice(0, -1)}${sig.endsWith('0') ? '1' : '0'}`);
      const tampered = await ctx.fetch(forged);
      const tamperedBody = await tampered.text();
      check(
        tampered.status === 403,
        `a tampered URL is refused with 403 (got ${tampered.status})`,
        tamperedBody,
      );
      ctx.say(`tampered signature → ${tampered.status}`, tamperedBody);

      ctx.step(4);
      const short = await requestManifest(ctx, keys.key, {
        callback_url: `${receiver.url}/manifests`,
        expires_in_sec: 1,
      });
      const shortRef = (
        await waitFor(
          () =>
            receiver.received.find(
              (d) => d.event?.type === 'manifest.ready' && d.event.data.manifest_id === short.id,
            ),
          { what: 'the short-lived manifest', timeoutMs: 30_000 },
        )
      ).event!.data as unknown as ManifestRef;
      await waitFor(() => Date.now() > Date.parse(shortRef.expires_at) + 50, {
        what: 'the URL to expire',
        timeoutMs: 5_000,
      });
      const expired = await ctx.fetch(shortRef.url);
      const expiredBody = await expired.text();
      check(
        expired.status === 410 || expired.status === 403,
        `an expired URL is refused (got ${expired.status})`,
        expiredBody,
      );
      ctx.say(`expired at ${shortRef.expires_at} → ${expired.status}`, expiredBody);

      return {
        manifestBytes: ref.size,
        callbackBytes: delivery.bytes,
        downloadMs: Math.round(downloadMs),
        sha256Matches: true,
        tampered: tampered.status,
        expired: expired.status,
      };
    } finally {
      await receiver.close();
    }
  },
});
