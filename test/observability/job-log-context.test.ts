// Every line written while a job runs says which job, definition, attempt (and inside a step, which step), each key
// once per line: the handler's own logger, and code that logs through the process logger without knowing the job
// (what the email transport and webhook delivery do). On every provider, through a real pino destination.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineJob } from '../../src/jobs/define';
import { defineEvent } from '../../src/jobs/event-type';
import { createLogger, type Logger } from '../../src/observability/logger';
import { createProviderHarness, TARGETS, type ProviderHarness } from '../helpers/provider-harness';

const logContext = defineEvent('test/log-context', z.object({ key: z.string() }));

let lines: string[] = [];
const sink = new Writable({ write: (chunk, _encoding, done) => void (lines.push(...String(chunk).split('\n').filter(Boolean)), done()) });
const processLogger: Logger = createLogger('info', { destination: sink });

/** Code outside the job core that logs through the process logger and knows nothing of the job. */
function logFromElsewhere(key: string): void {
  processLogger.info({ key }, 'from other code');
}

const definition = defineJob({ id: 'log-context', trigger: { event: logContext }, backoff: { baseMs: 20, maxMs: 50 } }, async ({ event, step, attempt, jobId, logger }) => {
  const { key } = event.data;
  // Names jobId itself: the line must still carry it once.
  logger.info({ key, jobId }, 'handler');
  await step.run('first', async () => {
    logger.info({ key }, 'in step');
    logFromElsewhere(key);
    return 1;
  });
  if (attempt === 0) throw new Error('the first attempt fails');
  await step.run('second', async () => logFromElsewhere(key));
});

const countKey = (line: string, key: string) => line.split(`"${key}":`).length - 1;

describe.each(TARGETS)('job log context: %s', (target) => {
  let harness: ProviderHarness;
  beforeAll(async () => {
    harness = await createProviderHarness(target, [logContext], [definition as never], { logger: processLogger });
    await harness.provider.start();
  });
  afterAll(() => harness?.close());

  it('puts jobId, definition, attempt and step on every line of a job, each once', async () => {
    lines = [];
    const key = randomUUID();
    const { ids } = await harness.client.dispatch({ name: 'test/log-context', data: { key } });
    await harness.waitForStatus(ids[0]!, 'COMPLETED');
    const ours = lines.filter((line) => line.includes(key));
    const parsed = ours.map((line) => JSON.parse(line) as Record<string, unknown>);
    const jobId = parsed[0]!.jobId;
    expect(jobId).toEqual(expect.any(String));
    for (const [index, line] of ours.entries()) {
      const entry = parsed[index]!;
      expect(entry).toMatchObject({ jobId, definition: 'log-context', attempt: expect.any(Number) });
      for (const name of ['jobId', 'definition', 'attempt', 'step']) expect(countKey(line, name), `${name} in ${line}`).toBeLessThanOrEqual(1);
      expect(countKey(line, 'jobId') + countKey(line, 'definition') + countKey(line, 'attempt')).toBe(3);
      if (entry.msg === 'handler') expect(entry.step).toBeUndefined();
      else expect(entry.step, line).toBe(entry.attempt === 0 ? 'first' : 'second');
    }
    const seen = (msg: string, attempt: number, step?: string) => parsed.some((entry) => entry.msg === msg && entry.attempt === attempt && entry.step === step);
    expect(seen('handler', 0)).toBe(true);
    expect(seen('in step', 0, 'first')).toBe(true);
    expect(seen('from other code', 0, 'first')).toBe(true);
    expect(seen('handler', 1)).toBe(true);
    expect(seen('from other code', 1, 'second')).toBe(true);
    // The provider's own line about the failed attempt (local and BullMQ share executeJob; Inngest logs its own).
    if (target !== 'inngest') {
      const retry = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((entry) => entry.msg === 'job attempt failed; will retry' && entry.jobId === jobId);
      expect(retry).toMatchObject({ definition: 'log-context', attempt: 0 });
    }
  });
});

describe('pretty logs (development)', () => {
  it('prints one human-readable line per event with the job context once', async () => {
    let output = '';
    const destination = new Writable({ write: (chunk, _encoding, done) => void ((output += String(chunk)), done()) });
    const logger = createLogger('info', { destination, pretty: true });
    const { runWithJobContext, runInStep } = await import('../../src/jobs/log-context');
    runWithJobContext({ jobId: '42', definition: 'email-send', attempt: 2 }, () => runInStep('send', () => logger.info({ to: 'someone' }, 'sending')));
    expect(output).toMatch(/INFO.*sending/);
    expect(output).not.toMatch(/^\{/);
    for (const pair of ['jobId: "42"', 'definition: "email-send"', 'attempt: 2', 'step: "send"']) expect(output.split(pair).length - 1, pair).toBe(1);
  });
});
