import { start } from './main.ts';

const app = await start(process.env, { handleSignals: true });
console.log(`notifier listening on ${app.url}`);
