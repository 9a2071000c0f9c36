import { DELIVERY_OUTCOMES, listRecentDeliveries } from '@/domain/webhooks/list-recent-deliveries';
import { DataTable, ErrorLine, type Column } from '../_components/data-table';
import { DashboardShell } from '../_components/dashboard-shell';
import { StatusBadge } from '../_components/status-badge';
import { StatusFilter } from '../_components/status-filter';
import { choiceParam, load, requireDashboardSession, type SearchParams } from '../_lib/dashboard-page';
import { formatDuration, formatTime } from '../_lib/format';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
export const metadata = { title: 'Webhook deliveries · Jobs dashboard', referrer: 'same-origin' };

const COLUMNS: Column[] = [
  { label: 'When' },
  { label: 'Endpoint' },
  { label: 'Event' },
  { label: 'Message' },
  { label: 'Attempt', kind: 'number' },
  { label: 'Answer' },
  { label: 'Duration', kind: 'number' },
  { label: 'Error', kind: 'error' },
];

/** GET /admin/jobs/deliveries?status=ok|failed: the newest 100 webhook delivery attempts, read-only, for support. */
export default async function DeliveriesPage({ searchParams }: { searchParams: SearchParams }) {
  const { runtime, admin } = await requireDashboardSession();
  const outcome = choiceParam(await searchParams, 'status', DELIVERY_OUTCOMES);
  const deliveries = await load(() => listRecentDeliveries(runtime.database.db, { outcome: outcome.value }));
  return (
    <DashboardShell admin={admin} section="deliveries" title="Webhook deliveries" error={outcome.error}>
      <StatusFilter path="/admin/jobs/deliveries" statuses={DELIVERY_OUTCOMES} current={outcome.value} />
      <DataTable
        label="Webhook deliveries"
        columns={COLUMNS}
        rows={deliveries}
        rowKey={(delivery) => delivery.id}
        empty="No delivery attempts."
        cells={(delivery) => [
          formatTime(delivery.createdAt),
          delivery.url,
          delivery.event,
          <code key="message">{delivery.messageId}</code>,
          delivery.attempt,
          <span key="answer">
            <StatusBadge status={delivery.succeeded ? 'ok' : 'failed'} /> {delivery.statusCode ?? 'no answer'}
          </span>,
          formatDuration(delivery.durationMs),
          <ErrorLine key="error" text={delivery.error} />,
        ]}
      />
    </DashboardShell>
  );
}
