import { start } from './main.ts';

const running = await start(process.env, { handleSignals: true });
console.log(`logistics listening on ${running.url}`);
