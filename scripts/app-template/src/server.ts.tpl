import { start } from './main.ts';

const app = await start(process.env, { handleSignals: true });
console.log(`__app__ listening on ${app.url}`);
