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

/** A child logger created on first use: most runs never log, and pino children are not free on the hot path. */
export function lazyChild(parent: JobLogger, bindings: object): JobLogger {
  let child: JobLogger | undefined;
  const get = () => (child ??= parent.child(bindings));
  return {
    info: (object, message) => get().info(object, message),
    warn: (object, message) => get().warn(object, message),
    error: (object, message) => get().error(object, message),
    debug: (object, message) => get().debug(object, message),
    child: (more) => get().child(more),
  };
}

