import { devDefaultLines, loadSlackConfig } from './config.ts';
import { start } from './main.ts';

const app = await start(process.env, { handleSignals: true });
console.log(`slack listening on ${app.url}`);
// Dev defaults in use, so a person can connect a client; a value given by env is never printed.
const defaults = devDefaultLines(loadSlackConfig(process.env), process.env);
if (defaults.length) console.log(`slack dev defaults:\n${defaults.join('\n')}`);
