// Jobs of the local provider (and BullMQ's anchor rows) are background_jobs rows with a bigint identity. Text from
// a URL, a form or a command line names one only if it is a positive whole number PostgreSQL's bigint can hold:
// anything past 2^63 - 1 would fail the ::bigint cast as a 500 (and have PostgreSQL echo the value into the log).

const MAX_BIGINT = 9_223_372_036_854_775_807n;

/** Whether `text` can be the id of a background_jobs row: 1 to 2^63 - 1, in plain decimal digits. */
export function isJobRowId(text: string): boolean {
  return /^[1-9][0-9]{0,18}$/.test(text) && BigInt(text) <= MAX_BIGINT;
}
