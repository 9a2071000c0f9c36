// Parsing of the CLI's option values with zod: a bad value is a usage error (exit 2) naming the option.
import { isJobId } from '../jobs/job-id';
import { z } from 'zod';
import { JOB_STATUSES, type JobStatus } from '../db/schema/jobs';
import { toMilliseconds } from '../jobs/duration';
import { CliError, EXIT } from './cli-error';

const durationText = z
  .string()
  .regex(/^\d+(\.\d+)?(ms|s|m|h|d)$/, 'expected a duration such as 30m, 24h or 7d')
  .transform((value) => toMilliseconds(value as `${number}${'ms' | 's' | 'm' | 'h' | 'd'}`))
  .refine((ms) => ms > 0, 'expected a duration above zero');

const jobId = z.string().refine(isJobId, 'expected a job id: a positive whole number, or <definition>/<id> on BullMQ');

const status = z
  .string()
  .transform((value) => value.toUpperCase())
  .pipe(z.enum(JOB_STATUSES, { error: `expected one of ${JOB_STATUSES.join(', ')}` }));

const limit = z.coerce.number({ error: 'expected a whole number' }).int('expected a whole number').min(1, 'expected 1 to 500').max(500, 'expected 1 to 500');

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new CliError(`${what}: ${result.error.issues[0]?.message ?? 'invalid value'} (got "${String(value)}")`, EXIT.usage, 'usage');
}

export const parseDurationMs = (value: string, what: string): number => parse(durationText, value, what);
export const parseJobId = (value: string): string => parse(jobId, value, 'job id');
export const parseStatus = (value: string): JobStatus => parse(status, value, '--status');
export const parseLimit = (value: string): number => parse(limit, value, '--limit');
