// Connection errors during a Redis outage: the first is logged at once, then one line a minute saying how many it
// stands for (error-log-throttle.ts).
import { describe, expect, it } from 'vitest';
import type { JobLogger } from '../../src/jobs/logger';
import { throttledWarn } from '../../src/jobs/providers/bullmq/error-log-throttle';

describe('throttledWarn', () => {
  it('logs the first error, then at most one line a minute carrying the count of those it did not log', () => {
    const lines: Array<{ fields: Record<string, unknown>; message?: string }> = [];
    const logger: JobLogger = {
      info() {},
      debug() {},
      error() {},
      warn: (fields, message) => void lines.push({ fields: fields as Record<string, unknown>, message }),
      child: () => logger,
    };
    let now = 0;
    const warn = throttledWarn(logger, 'bullmq queue error', () => now);
    const refused = new Error('connect ECONNREFUSED');
    for (let second = 0; second < 150; second += 1) {
      now = second * 1000;
      warn(refused, { queue: `q${second % 3}` });
    }
    expect(lines.map((line) => line.message)).toEqual(['bullmq queue error', 'bullmq queue error', 'bullmq queue error']);
    expect(lines.map((line) => line.fields.repeatedSinceLastLine)).toEqual([undefined, 59, 59]);
    expect(lines[1]!.fields).toMatchObject({ err: refused, queue: 'q0' });
  });
});
