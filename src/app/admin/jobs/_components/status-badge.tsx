import type { JobStatus } from '@/jobs/providers/inspection';

/** A job's (or an email's, a delivery's) status as a coloured pill; the colour comes from the stylesheet. */
export function StatusBadge({ status }: { status: JobStatus | string }) {
  return <span className={`badge badge-${status.toLowerCase()}`}>{status}</span>;
}
