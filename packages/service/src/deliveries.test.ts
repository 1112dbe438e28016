import { describe, expect, it } from 'vitest';
import { deliveriesObserved } from './deliveries.ts';
import { ExchangeRecorder } from './exchanges.ts';
import { attachTelemetry, startTelemetry } from './telemetry.ts';

describe('deliveriesObserved', () => {
  it('is true in dev mode or with an OTLP export, false otherwise', async () => {
    expect(deliveriesObserved(new ExchangeRecorder('hub'), { dev: true })).toBe(true);
    expect(deliveriesObserved(new ExchangeRecorder('hub'), { dev: false })).toBe(false);
    const exported = new ExchangeRecorder('hub');
    const telemetry = startTelemetry({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }, 'hub', {
      sinkFor: async () => ({ export: () => {}, flush: async () => {}, shutdown: async () => {} }),
    })!;
    attachTelemetry(telemetry, { app: {}, recorder: exported });
    expect(deliveriesObserved(exported, { dev: false })).toBe(true);
    await telemetry.shutdown?.();
  });
});
