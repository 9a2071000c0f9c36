import { notFound } from 'next/navigation';
import { jobIdFromSegment, jobPath } from '@/app/_lib/dashboard-actions';
import { isJobId } from '@/jobs/job-id';
import type { JobDetail } from '@/jobs/providers/inspection';
import { DataTable, ErrorLine, type Column } from '../_components/data-table';
import { flashFrom } from '@/app/_lib/flash-message';
import { DashboardShell } from '../_components/dashboard-shell';
import { NoInspector } from '../_components/no-inspector';
import { StatusBadge } from '../_components/status-badge';
import { load, requireDashboardSession, type SearchParams } from '../_lib/dashboard-page';
import { formatDuration, formatJson, formatTime } from '../_lib/format';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
export const metadata = { title: 'Job · Jobs dashboard', referrer: 'same-origin' };

/** GET /admin/jobs/:id: the job (payload redacted), its steps, attempts, result and error, and what can be done to it. */
export default async function JobPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: SearchParams }) {
  const { runtime, admin } = await requireDashboardSession();
  const id = jobIdFromSegment((await params).id);
  const query = await searchParams;
  const shell = { admin, section: 'jobs', title: `Job ${id}`, notice: flashFrom(runtime.config, query, 'notice'), error: flashFrom(runtime.config, query, 'error') } as const;
  const { inspector } = runtime.provider;
  if (!inspector) return <DashboardShell {...shell}><NoInspector provider={runtime.provider} /></DashboardShell>;
  if (!isJobId(id)) notFound();
  const job = await load(() => inspector.get(id));
  if (!job) notFound();

  return (
    <DashboardShell {...shell}>
      <section className="panel">
        <div className="actions-row">
          <StatusBadge status={job.status} />
          <strong>{job.definition}</strong>
          <span className="muted">{job.eventName}</span>
        </div>
        <JobActions job={job} />
      </section>
      <section className="panel">
        <dl className="detail">
          <dt>Event id</dt>
          <dd>{job.eventId ?? '—'}</dd>
          <dt>Attempts</dt>
          <dd>
            {job.attempts} of {job.maxAttempts}
          </dd>
          <dt>Priority</dt>
          <dd>{job.priority}</dd>
          <dt>Created</dt>
          <dd>{formatTime(job.createdAt)}</dd>
          <dt>Due</dt>
          <dd>{formatTime(job.runAt)}</dd>
          <dt>Started</dt>
          <dd>{formatTime(job.startedAt)}</dd>
          <dt>Finished</dt>
          <dd>
            {formatTime(job.finishedAt)} {job.durationMs !== null && <span className="muted">({formatDuration(job.durationMs)})</span>}
          </dd>
          {job.cancelReason && (
            <>
              <dt>Cancelled</dt>
              <dd>{job.cancelReason}</dd>
            </>
          )}
        </dl>
      </section>
      {job.lastError && (
        <>
          <h2>Last error</h2>
          <pre data-testid="last-error">{job.lastError}</pre>
        </>
      )}
      <h2>Payload</h2>
      <pre data-testid="payload">{formatJson(job.payload)}</pre>
      <h2>Result</h2>
      <pre data-testid="result">{job.result === null || job.result === undefined ? '—' : formatJson(job.result)}</pre>
      <h2>Steps ({job.steps.length})</h2>
      <StepTable job={job} />
      <h2>Attempts ({job.attemptHistory.length})</h2>
      <AttemptTable job={job} />
    </DashboardShell>
  );
}

/** The actions this job's state allows: retry when FAILED, replay when COMPLETED, cancel when PENDING. */
function JobActions({ job }: { job: JobDetail }) {
  const action = `${jobPath(job.id)}/actions`;
  if (job.status === 'FAILED') {
    return (
      <form method="post" action={action} className="actions-row">
        <input type="hidden" name="action" value="retry" />
        <button type="submit">Retry</button>
        <span className="muted">Back to PENDING with fresh attempts; completed steps stay done.</span>
      </form>
    );
  }
  if (job.status === 'COMPLETED') {
    return (
      <form method="post" action={action} className="actions-row">
        <input type="hidden" name="action" value="replay" />
        <button type="submit">Replay</button>
        <span className="muted">A new job of the same definition with the same payload.</span>
      </form>
    );
  }
  if (job.status === 'PENDING' && !job.cancellable) {
    return <p className="muted">Queued by its cron schedule, which owns it on BullMQ: it cannot be cancelled.</p>;
  }
  if (job.cancellable) {
    return (
      <form method="post" action={action} className="actions-row">
        <input type="hidden" name="action" value="cancel" />
        <input name="reason" placeholder="Reason (optional)" maxLength={500} />
        <button type="submit" className="danger">
          Cancel job
        </button>
      </form>
    );
  }
  return null;
}

const STEP_COLUMNS: Column[] = [
  { label: 'Step' },
  { label: 'Status' },
  { label: 'Runs', kind: 'number' },
  { label: 'Started' },
  { label: 'Duration', kind: 'number' },
  { label: 'Output or error' },
];

function StepTable({ job }: { job: JobDetail }) {
  return (
    <DataTable
      label="Steps"
      columns={STEP_COLUMNS}
      rows={job.steps}
      rowKey={(step) => step.id}
      empty="No step has run."
      cells={(step) => [
        <code key="id">{step.id}</code>,
        <StatusBadge key="status" status={step.status} />,
        step.attempts,
        formatTime(step.startedAt),
        formatDuration(step.durationMs),
        <pre key="output">{step.error ?? formatJson(step.output)}</pre>,
      ]}
    />
  );
}

const ATTEMPT_COLUMNS: Column[] = [
  { label: '#', kind: 'number' },
  { label: 'Outcome' },
  { label: 'Started' },
  { label: 'Finished' },
  { label: 'Duration', kind: 'number' },
  { label: 'Error', kind: 'error' },
];

function AttemptTable({ job }: { job: JobDetail }) {
  return (
    <DataTable
      label="Attempts"
      columns={ATTEMPT_COLUMNS}
      rows={job.attemptHistory}
      rowKey={(_, index) => String(index)}
      empty="No attempt has finished."
      cells={(entry) => [
        entry.attempt + 1,
        entry.outcome,
        formatTime(entry.startedAt),
        formatTime(entry.finishedAt),
        formatDuration(entry.durationMs),
        <ErrorLine key="error" text={entry.error} />,
      ]}
    />
  );
}
