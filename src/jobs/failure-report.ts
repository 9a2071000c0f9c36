/** What a provider reports when a job has failed for good (no attempts left, or a NonRetriableError). */
export interface FailedJobReport {
  jobId: string;
  definitionId: string;
  eventName: string;
  error: string;
  /** Attempts used, including one whose worker died (the lease sweep found it failed). */
  attempts: number;
}
