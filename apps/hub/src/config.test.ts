import { describe, expect, it } from 'vitest';
import { loadHubConfig } from './config.ts';

describe('hub config', () => {
  it('has a lease minimum of a few seconds with the local retry schedule, minutes with the real one', () => {
    expect(loadHubConfig({}).leaseMinSeconds).toBe(5);
    expect(loadHubConfig({ WEBHOOK_RETRY_SCHEDULE: 'real' }).leaseMinSeconds).toBe(300);
    expect(loadHubConfig({ HUB_LEASE_MIN_SECONDS: '30' }).leaseMinSeconds).toBe(30);
    expect(loadHubConfig({}).leaseMaxSeconds).toBe(864_000);
  });

  it('reads the topic allow-list as origins, * (the default) serving any', () => {
    expect(loadHubConfig({}).topicOrigins).toBeNull();
    expect(
      loadHubConfig({ HUB_TOPIC_ORIGINS: 'http://localhost:3008/, https://ticker.example' }).topicOrigins,
    ).toEqual(['http://localhost:3008', 'https://ticker.example']);
  });

  it('lists every bad value at once', () => {
    expect(() =>
      loadHubConfig({
        HUB_TOPIC_ORIGINS: 'ftp://x',
        HUB_SIGNATURE_ALGORITHM: 'md5',
        HUB_LEASE_MAX_SECONDS: '0',
      }),
    ).toThrow(
      /HUB_TOPIC_ORIGINS[\s\S]*HUB_SIGNATURE_ALGORITHM|HUB_SIGNATURE_ALGORITHM[\s\S]*HUB_TOPIC_ORIGINS/,
    );
  });
});
