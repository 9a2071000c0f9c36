import { isJobRowId } from '@/jobs/job-id';
import Link from 'next/link';
import { z } from 'zod';
import { JOB_STATUSES } from '@/db/schema/jobs';
import type { JobFilter } from '@/jobs/providers/inspection';
import { flashFrom } from '@/app/_lib/flash-message';
import { DashboardShell } from './_components/dashboard-shell';
import { JobTable } from './_components/job-table';
import { NoInspector } from './_components/no-inspector';
import { load, requireDashboardSession, searchParam, type SearchParams } from './_lib/dashboard-page';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
export const metadata = { title: 'Jobs · Jobs dashboard', referrer: 'same-origin' };

const PAGE_SIZE = 50;

const listQuery = z.object({
  status: z.enum(JOB_STATUSES).optional(),
  definition: z.string().max(200).optional(),
  id: z.string().refine(isJobRowId, 'a job id is a positive whole number').optional(),
  cursor: z.string().refine(isJobRowId, 'not a page cursor').optional(),
});

/** GET /admin/jobs: counts per status, the filterable list (newest first, keyset paged) and bulk retry. */
export default async function JobsPage({ searchParams }: { searchParams: SearchParams }) {
  const { runtime, admin } = await requireDashboardSession();
  const params = await searchParams;
  const shell = { admin, section: 'jobs', title: 'Jobs', notice: flashFrom(runtime.config, params, 'notice') } as const;
  const { inspector } = runtime.provider;
  if (!inspector) return <DashboardShell {...shell}><NoInspector provider={runtime.provider} /></DashboardShell>;

  const query = listQuery.safeParse(Object.fromEntries(['status', 'definition', 'id', 'cursor'].map((name) => [name, searchParam(params, name)])));
  const error = query.success ? flashFrom(runtime.config, params, 'error') : query.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
  const { cursor, ...filter }: JobFilter & { cursor?: string } = query.success ? query.data : {};
  const [counts, page] = await load(() => Promise.all([inspector.counts(), inspector.list(filter, { limit: PAGE_SIZE, cursor })]));
  const definitions = runtime.registry.definitions.map((definition) => definition.id).sort();
  const filterQuery = (extra: Record<string, string>) => `/admin/jobs?${new URLSearchParams({ ...stringEntries(filter), ...extra })}`;

  return (
    <DashboardShell {...shell} error={error}>
      <div className="cards" aria-label="Jobs per status">
        {JOB_STATUSES.map((status) => (
          <Link key={status} href={`/admin/jobs?status=${status}`} className="card" data-testid={`count-${status}`}>
            <span className="label">{status}</span>
            <span className="figure">{counts[status].toLocaleString('en-US')}</span>
          </Link>
        ))}
      </div>

      <form method="get" action="/admin/jobs" className="panel filters" aria-label="Filter jobs">
        <SelectField label="Status" name="status" options={JOB_STATUSES} value={filter.status} />
        <SelectField label="Job" name="definition" options={definitions} value={filter.definition} />
        <label>
          Job id
          <input name="id" inputMode="numeric" defaultValue={filter.id ?? ''} placeholder="e.g. 42" />
        </label>
        <button type="submit">Filter</button>
        <Link href="/admin/jobs" className="button secondary">
          Clear
        </Link>
      </form>

      {counts.FAILED > 0 && (
        <form method="post" action="/admin/jobs/retry-failed" className="actions-row panel">
          {filter.definition && <input type="hidden" name="definition" value={filter.definition} />}
          <span>
            {filter.definition ? (
              <>
                Retry every failed <code>{filter.definition}</code> job.
              </>
            ) : (
              `Retry ${counts.FAILED === 1 ? 'the failed job' : `all ${counts.FAILED.toLocaleString('en-US')} failed jobs`}.`
            )}{' '}
            Their completed steps stay done.
          </span>
          <button type="submit">Retry failed matching this filter</button>
        </form>
      )}

      <JobTable jobs={page.jobs} />
      <nav className="pager" aria-label="Pages">
        {cursor && (
          <Link href={filterQuery({})} className="button secondary">
            ← Newest
          </Link>
        )}
        {page.nextCursor && (
          <Link href={filterQuery({ cursor: page.nextCursor })} className="button secondary" rel="next">
            Older →
          </Link>
        )}
      </nav>
    </DashboardShell>
  );
}

function SelectField({ label, name, options, value }: { label: string; name: string; options: readonly string[]; value: string | undefined }) {
  return (
    <label>
      {label}
      <select name={name} defaultValue={value ?? ''}>
        <option value="">any</option>
        {options.map((option) => (
          <option key={option}>{option}</option>
        ))}
      </select>
    </label>
  );
}

function stringEntries(filter: JobFilter): Record<string, string> {
  return Object.fromEntries(Object.entries(filter).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}
