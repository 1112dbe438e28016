import type { ExchangeRecorder, FetchLike, Logger, ServiceUrls } from '@hooklab/service';
import type { ConsoleConfig } from './config.ts';
import type { Runner } from './domain/runs.ts';
import type { ConsoleStore } from './domain/store.ts';
import type { ClientAssets } from './pages/assets.ts';

/** The console's one deps container: what createApp needs, built by main.ts (or by a test). */
export interface ConsoleContext {
  config: ConsoleConfig;
  urls: ServiceUrls;
  store: ConsoleStore;
  runner: Runner;
  recorder: ExchangeRecorder;
  assets: ClientAssets;
  /** Plain fetch for the apps' dev-only routes (the control API): not recorded, not traced. */
  fetch: FetchLike;
  logger?: Logger;
}
