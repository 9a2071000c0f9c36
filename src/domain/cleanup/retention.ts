/** How long rows are kept before the nightly cleanups delete them. */
export const LOG_RETENTION_DAYS = 90;
export const DELETED_DOCUMENT_RETENTION_DAYS = 30;

export function daysBefore(now: Date, days: number): Date {
  return hoursBefore(now, days * 24);
}

export function hoursBefore(now: Date, hours: number): Date {
  return new Date(now.getTime() - hours * 60 * 60 * 1000);
}

/** EMAIL_BODY_RETENTION_HOURS and EMAIL_LOG_RETENTION_DAYS, as config holds them. */
export interface EmailRetention {
  bodyHours: number;
  days: number;
}
