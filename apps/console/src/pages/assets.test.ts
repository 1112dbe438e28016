import { describe, expect, it } from 'vitest';
import { buildClient, createClientAssets } from './assets.ts';

describe('the browser code', () => {
  it('builds to one module well under the 200 KB budget of the first page', async () => {
    const bundle = await buildClient();
    expect(bundle.name).toMatch(/^console-[0-9a-f]{10}\.js$/);
    expect(bundle.bytes).toBeLessThan(200 * 1024);
    // What the README quotes; printed so a change in size shows in the test log.
    console.info(`console client: ${bundle.bytes} bytes, ${bundle.gzipBytes} gzipped`);
    expect(bundle.code).not.toMatch(/\bimport\s*[{*\w]/);
  });

  it('builds once, and again after a failed build', async () => {
    let builds = 0;
    const assets = createClientAssets(async () => {
      builds++;
      if (builds === 1) throw new Error('syntax error');
      return { name: 'console-x.js', code: '', bytes: 0, gzipBytes: 0 };
    });
    await expect(assets.bundle()).rejects.toThrow('syntax error');
    await assets.bundle();
    await assets.bundle();
    expect(builds).toBe(2);
  });
});
