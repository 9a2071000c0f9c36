/** What a provider reports when a job has failed for good (no attempts left, or a NonRetriableError). */
export interface FailedJobReport {
  jobId: string;
  definitionId: string;
  eventName: string;
  error: string;
  /** Attempts used; -1 when the failure was found by the lease sweep rather than seen by a running attempt. */
  attempts: number;
}
