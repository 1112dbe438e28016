import { loadConfig } from '@hooklab/service';
import { paymentsConfigSchema } from './config.ts';
import { start } from './main.ts';
import { startupBanner } from './startup-banner.ts';

const app = await start(process.env, { handleSignals: true });
console.log(startupBanner(loadConfig(paymentsConfigSchema, process.env), app.url));
