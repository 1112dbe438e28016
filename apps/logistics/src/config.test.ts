import { ConfigError } from '@hooklab/service';
import { describe, expect, it } from 'vitest';
import { loadLogisticsConfig } from './config.ts';

describe('logistics config', () => {
  it('refuses the built-in BLOBSTORE_SECRET at start outside dev mode, with a clear config error', () => {
    try {
      loadLogisticsConfig({});
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems.join('\n')).toMatch(
        /^BLOBSTORE_SECRET: is the built-in dev secret/m,
      );
    }
    expect(loadLogisticsConfig({ HOOKLAB_DEV: '1' }).BLOBSTORE).toBe('local');
    expect(loadLogisticsConfig({ BLOBSTORE_SECRET: 'a-secret-of-this-deployment-0123' }).HOOKLAB_DEV).toBe(
      false,
    );
    expect(loadLogisticsConfig({ BLOBSTORE: 's3' }).BLOBSTORE).toBe('s3'); // S3 signs with its own keys
  });
});
