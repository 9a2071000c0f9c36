import Link from 'next/link';
import { latestSlot, nextSlot } from '@/jobs/cron';
import { DataTable, type Column } from '../_components/data-table';
import { DashboardShell } from '../_components/dashboard-shell';
import { NoInspector } from '../_components/no-inspector';
import { StatusBadge } from '../_components/status-badge';
import { load, requireDashboardSession } from '../_lib/dashboard-page';
import { formatTime } from '../_lib/format';
import { jobPath } from '@/app/_lib/dashboard-actions';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
export const metadata = { title: 'Cron · Jobs dashboard', referrer: 'same-origin' };

const COLUMNS: Column[] = [{ label: 'Job' }, { label: 'Schedule (UTC)' }, { label: 'Last slot' }, { label: 'Last slot ran' }, { label: 'Next slot' }];

/**
 * GET /admin/jobs/cron: each cron schedule of the job definitions, its latest slot and whether that slot made a job
 * (cron jobs are deduped per slot, so the slot names its job), and the next slot. Times in UTC, as cron runs.
 */
export default async function CronPage() {
  const { runtime, admin } = await requireDashboardSession();
  const shell = { admin, section: 'cron', title: 'Cron schedules' } as const;
  const { inspector } = runtime.provider;
  if (!inspector) return <DashboardShell {...shell}><NoInspector provider={runtime.provider} /></DashboardShell>;
  const now = new Date();
  const schedules = runtime.registry.cronDefinitions.map((definition) => ({
    definition: definition.id,
    expression: definition.trigger.cron,
    last: latestSlot(definition.trigger.cron, now),
    next: nextSlot(definition.trigger.cron, now),
  }));
  const slots = schedules.flatMap((schedule) => (schedule.last ? [{ definition: schedule.definition, slot: schedule.last }] : []));
  const runs = await load(() => inspector.cronSlots(slots));
  const runOf = (definition: string) => runs.find((run) => run.definition === definition);

  return (
    <DashboardShell {...shell}>
      <DataTable
        label="Cron schedules"
        columns={COLUMNS}
        rows={schedules}
        rowKey={(schedule) => schedule.definition}
        rowAttributes={(schedule) => ({ 'data-cron': schedule.definition })}
        empty="No job runs on a schedule."
        cells={(schedule) => {
          const run = runOf(schedule.definition);
          return [
            schedule.definition,
            <code key="expression">{schedule.expression}</code>,
            formatTime(schedule.last),
            run?.jobId ? (
              <Link key="run" href={jobPath(run.jobId)}>
                <StatusBadge status={run.status ?? 'ran'} /> job {run.jobId}
              </Link>
            ) : (
              <StatusBadge key="run" status="missed" />
            ),
            formatTime(schedule.next),
          ];
        }}
      />
      <p className="muted">
        A slot missed while no scheduler ran is not backfilled: the next slot runs as usual.
      </p>
    </DashboardShell>
  );
}
