import { start } from './main.ts';

const app = await start(process.env, { handleSignals: true });
console.log(`Atelier (shop) listening on ${app.url}`);
