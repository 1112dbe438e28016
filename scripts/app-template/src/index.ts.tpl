// What tests/ may import from __app__; nothing else imports an app.
export { type __App__Config, __camel__ConfigSchema, load__App__Config } from './config.ts';
export { start } from './main.ts';
