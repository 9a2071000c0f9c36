/** How long rows are kept before the nightly cleanups delete them. */
export const LOG_RETENTION_DAYS = 90;
export const DELETED_DOCUMENT_RETENTION_DAYS = 30;

export function daysBefore(now: Date, days: number): Date {
  return new Date(now.getTime() - days * 24 * 60 * 60 * 1000);
}
