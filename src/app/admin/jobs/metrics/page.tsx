import Link from 'next/link';
import type { DefinitionMetrics } from '@/jobs/providers/inspection';
import { CompletionsChart } from '../_components/completions-chart';
import { DataTable, type Column } from '../_components/data-table';
import { DashboardShell } from '../_components/dashboard-shell';
import { NoInspector } from '../_components/no-inspector';
import { load, requireDashboardSession, searchParam, type SearchParams } from '../_lib/dashboard-page';
import { formatDuration, formatPercent, formatThroughput } from '../_lib/format';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
export const metadata = { title: 'Metrics · Jobs dashboard', referrer: 'same-origin' };

const HOUR = 60 * 60 * 1000;
/** The windows on offer, each cut into 24 buckets for the chart (2.5 min, 1 h, 7 h). */
const WINDOWS = { '1h': HOUR, '24h': 24 * HOUR, '7d': 7 * 24 * HOUR } as const;
type WindowName = keyof typeof WINDOWS;
const isWindow = (value: string | undefined): value is WindowName => value !== undefined && value in WINDOWS;

/** GET /admin/jobs/metrics?window=1h|24h|7d: success rate, durations, retry rate and throughput, overall and per job. */
export default async function MetricsPage({ searchParams }: { searchParams: SearchParams }) {
  const { runtime, admin } = await requireDashboardSession();
  const params = await searchParams;
  const requested = searchParam(params, 'window');
  const window: WindowName = isWindow(requested) ? requested : '24h';
  const shell = { admin, section: 'metrics', title: 'Metrics' } as const;
  const { inspector } = runtime.provider;
  if (!inspector) return <DashboardShell {...shell}><NoInspector provider={runtime.provider} /></DashboardShell>;
  const [metrics, health] = await load(() => Promise.all([inspector.metrics({ windowMs: WINDOWS[window], buckets: 24 }), inspector.queueHealth()]));
  const { overall } = metrics;

  return (
    <DashboardShell {...shell} error={requested && !isWindow(requested) ? `window: expected one of ${Object.keys(WINDOWS).join(', ')}` : undefined}>
      <nav className="window-picker" aria-label="Window">
        {(Object.keys(WINDOWS) as WindowName[]).map((name) => (
          <Link key={name} href={`/admin/jobs/metrics?window=${name}`} className="button secondary" aria-current={name === window ? 'true' : undefined}>
            {name}
          </Link>
        ))}
      </nav>
      <div className="cards" aria-label={`Last ${window}`}>
        <Figure label="Success rate" value={formatPercent(overall.successRate)} testId="success-rate" />
        <Figure label="Completed" value={overall.completed.toLocaleString('en-US')} testId="completed" />
        <Figure label="Failed" value={overall.failed.toLocaleString('en-US')} testId="failed" />
        <Figure label="Retry rate" value={formatPercent(overall.retryRate)} testId="retry-rate" />
        <Figure label="Avg duration" value={formatDuration(overall.avgDurationMs)} testId="avg-duration" />
        <Figure label="p95 duration" value={formatDuration(overall.p95DurationMs)} testId="p95-duration" />
        <Figure label="Throughput" value={formatThroughput(overall.throughputPerMinute)} testId="throughput" />
      </div>
      <div className="cards" aria-label="Queue now">
        <Figure label="Due now" value={health.depth.toLocaleString('en-US')} testId="depth" />
        <Figure label="Oldest waiting" value={formatDuration(health.oldestPendingAgeMs)} testId="oldest-pending" />
        <Figure label="Stuck past lease" value={health.stuck.toLocaleString('en-US')} testId="stuck" />
      </div>
      <CompletionsChart metrics={metrics} />
      <h2>Per job</h2>
      <DefinitionTable rows={metrics.perDefinition} />
    </DashboardShell>
  );
}

function Figure({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="card" data-testid={`metric-${testId}`}>
      <span className="label">{label}</span>
      <span className="figure">{value}</span>
    </div>
  );
}

const COLUMNS: Column[] = [
  { label: 'Job' },
  { label: 'Completed', kind: 'number' },
  { label: 'Failed', kind: 'number' },
  { label: 'Success', kind: 'number' },
  { label: 'Retry rate', kind: 'number' },
  { label: 'Avg', kind: 'number' },
  { label: 'p95', kind: 'number' },
  { label: 'Throughput', kind: 'number' },
];

function DefinitionTable({ rows }: { rows: DefinitionMetrics[] }) {
  return (
    <DataTable
      label="Metrics per job"
      columns={COLUMNS}
      rows={rows}
      rowKey={(row) => row.definition}
      empty="No job finished in this window."
      cells={(row) => [
        <Link key="job" href={`/admin/jobs?definition=${encodeURIComponent(row.definition)}`}>
          {row.definition}
        </Link>,
        row.completed,
        row.failed,
        formatPercent(row.successRate),
        formatPercent(row.retryRate),
        formatDuration(row.avgDurationMs),
        formatDuration(row.p95DurationMs),
        formatThroughput(row.throughputPerMinute),
      ]}
    />
  );
}
