// What text from a URL, a form or a command line may be to name a job. The local provider's jobs (and BullMQ's anchor
// rows) are background_jobs rows with a bigint identity: a positive whole number PostgreSQL's bigint can hold, since
// anything past 2^63 - 1 would fail the ::bigint cast as a 500 (and have PostgreSQL echo the value into the log).
// BullMQ's jobs are `<definition>/<BullMQ id>` (its ids: digits, `d-<hex>` for deduped jobs, `repeat:…` and `cron-…`
// for cron slots).

const MAX_BIGINT = 9_223_372_036_854_775_807n;

/** Whether `text` can be the id of a background_jobs row: 1 to 2^63 - 1, in plain decimal digits. */
export function isJobRowId(text: string): boolean {
  return /^[1-9][0-9]{0,18}$/.test(text) && BigInt(text) <= MAX_BIGINT;
}

const BULLMQ_JOB_ID = /^[a-z0-9-]{1,100}\/[A-Za-z0-9:_-]{1,160}$/;

/** Whether `text` can name a job on some provider: a row id (local), or `<definition>/<BullMQ id>`. */
export function isJobId(text: string): boolean {
  return isJobRowId(text) || BULLMQ_JOB_ID.test(text);
}
