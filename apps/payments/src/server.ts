import { loadPaymentsConfig } from './config.ts';
import { start } from './main.ts';
import { startupBanner } from './startup-banner.ts';

const app = await start(process.env, { handleSignals: true });
console.log(startupBanner(loadPaymentsConfig(process.env), app.url));
