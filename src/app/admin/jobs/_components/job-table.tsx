import Link from 'next/link';
import type { JobSummary } from '@/jobs/providers/inspection';
import { formatDuration, formatTime } from '../_lib/format';
import { DataTable, ErrorLine, type Column } from './data-table';
import { StatusBadge } from './status-badge';
import { jobPath } from '@/app/_lib/dashboard-actions';

const COLUMNS: Column[] = [
  { label: 'ID' },
  { label: 'Job' },
  { label: 'Status' },
  { label: 'Attempts', kind: 'number' },
  { label: 'Created' },
  { label: 'Started' },
  { label: 'Finished' },
  { label: 'Duration', kind: 'number' },
  { label: 'Last error', kind: 'error' },
];

/** The jobs list: one row per job, its id linking to the detail page. */
export function JobTable({ jobs }: { jobs: JobSummary[] }) {
  return (
    <DataTable
      label="Jobs"
      columns={COLUMNS}
      rows={jobs}
      rowKey={(job) => job.id}
      rowAttributes={(job) => ({ 'data-job-id': job.id })}
      empty="No jobs match."
      cells={(job) => [
        <Link key="id" href={jobPath(job.id)}>
          {job.id}
        </Link>,
        job.definition,
        <StatusBadge key="status" status={job.status} />,
        `${job.attempts}/${job.maxAttempts}`,
        formatTime(job.createdAt),
        formatTime(job.startedAt),
        formatTime(job.finishedAt),
        formatDuration(job.durationMs),
        <ErrorLine key="error" text={job.lastError} />,
      ]}
    />
  );
}
