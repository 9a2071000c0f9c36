import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { jobLogBindings } from '../jobs/log-context';
import { redactError } from './redact-error';

export type { Logger };

export interface LoggerOptions {
  /** Where lines go; stdout by default. */
  destination?: DestinationStream;
  /** Human-readable lines (development) instead of JSON: pino-pretty as a synchronous stream, no worker thread. */
  pretty?: boolean;
}

/**
 * The process logger; one JSON line per event. A line written while a job runs carries its jobId, definition,
 * attempt and step (a mixin over the job's AsyncLocalStorage context, merged into the line: each key once). Every
 * `err` loses its query parameters and echoed values on the way out (redactError), whoever logs it.
 */
export function createLogger(level: string, options: LoggerOptions = {}): Logger {
  const settings = {
    level,
    base: { service: 'signing-jobs' },
    mixin: jobLogBindings,
    serializers: { err: (error: Error) => pino.stdSerializers.err(redactError(error) as Error) },
  };
  const destination = options.pretty ? pretty({ sync: true, destination: options.destination ?? 1 }) : options.destination;
  return destination ? pino(settings, destination) : pino(settings);
}
