import pino, { type DestinationStream, type Logger } from 'pino';
import { redactError } from './redact-error';

export type { Logger };

/**
 * The process logger; one JSON line per event, with `jobId` on every line a job writes. Every `err` loses its
 * query parameters and echoed values on the way out (redactError), whoever logs it.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, base: { service: 'signing-jobs' }, serializers: { err: (error: Error) => pino.stdSerializers.err(redactError(error) as Error) } };
  return destination ? pino(options, destination) : pino(options);
}
