import { start } from './main.ts';

const app = await start(process.env, { handleSignals: true });
console.log(`ticker listening on ${app.url}`);
