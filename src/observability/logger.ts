import pino, { type Logger } from 'pino';

export type { Logger };

/** The process logger; one JSON line per event, with `jobId` on every line a job writes. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'signing-jobs' } });
}
