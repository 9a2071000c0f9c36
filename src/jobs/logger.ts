/** The logging surface jobs see; pino satisfies it, and tests can record calls. */
export interface JobLogger {
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
  debug(object: object, message?: string): void;
  child(bindings: object): JobLogger;
}

export const silentLogger: JobLogger = {
  info() {},
  warn() {},
  error() {},
  debug() {},
  child() {
    return silentLogger;
  },
};
