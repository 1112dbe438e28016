import { type Logger, pino } from 'pino';

export type { Logger } from 'pino';

/** A JSON logger named after the service; `silent` in tests by passing level 'silent'. */
export function createLogger(name: string, level = 'info'): Logger {
  return pino({
    name,
    level,
    redact: { paths: ['req.headers.authorization', '*.secret', '*.apiKey'], censor: '[redacted]' },
  });
}
