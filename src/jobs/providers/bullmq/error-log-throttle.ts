// While Redis is down, every connection of every queue and worker reports each reconnect attempt as an error: about
// 150 warn lines a minute with stacks (1.1 MB in 15 minutes), burying everything else. One line per kind of error per
// minute is enough to say the outage goes on; it says how many it stands for.
import type { JobLogger } from '../../logger';

const REPEAT_EVERY_MS = 60_000;

/** A warn function for `message` that logs the first error at once and then at most one line per minute. */
export function throttledWarn(logger: JobLogger, message: string, now: () => number = Date.now): (error: unknown, fields?: Record<string, unknown>) => void {
  let lastAt = -Infinity;
  let suppressed = 0;
  return (error, fields = {}) => {
    const at = now();
    if (at - lastAt < REPEAT_EVERY_MS) {
      suppressed += 1;
      return;
    }
    lastAt = at;
    const repeated = suppressed;
    suppressed = 0;
    logger.warn({ err: error, ...fields, ...(repeated > 0 && { repeatedSinceLastLine: repeated }) }, message);
  };
}
