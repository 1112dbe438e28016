import { start } from './main.ts';

const app = await start(process.env, { handleSignals: true });
console.log(`payments listening on ${app.url}  (dashboard ${app.url}/dashboard)`);
console.log(`dev keys: ${app.keys.join('  ')}`);
