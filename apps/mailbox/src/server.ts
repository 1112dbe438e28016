import { start } from './main.ts';

const app = await start(process.env, { handleSignals: true });
console.log(`mailbox listening on ${app.url} (inbox ${app.url}/), SMTP on ${app.smtpUrl}`);
