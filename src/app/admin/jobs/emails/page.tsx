import { EMAIL_STATUSES, listRecentEmails } from '@/domain/emails/list-recent-emails';
import { DataTable, ErrorLine, type Column } from '../_components/data-table';
import { DashboardShell } from '../_components/dashboard-shell';
import { StatusBadge } from '../_components/status-badge';
import { StatusFilter } from '../_components/status-filter';
import { choiceParam, load, requireDashboardSession, type SearchParams } from '../_lib/dashboard-page';
import { formatTime } from '../_lib/format';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
export const metadata = { title: 'Email log · Jobs dashboard', referrer: 'same-origin' };

const COLUMNS: Column[] = [{ label: 'Created' }, { label: 'To' }, { label: 'Subject' }, { label: 'Status' }, { label: 'Sent' }, { label: 'Transport' }, { label: 'Error', kind: 'error' }];

/** GET /admin/jobs/emails?status=QUEUED|SENT|FAILED: the newest 100 emails, read-only, without their bodies. */
export default async function EmailsPage({ searchParams }: { searchParams: SearchParams }) {
  const { runtime, admin } = await requireDashboardSession();
  const status = choiceParam(await searchParams, 'status', EMAIL_STATUSES);
  const emails = await load(() => listRecentEmails(runtime.database.db, { status: status.value }));
  return (
    <DashboardShell admin={admin} section="emails" title="Email log" error={status.error}>
      <StatusFilter path="/admin/jobs/emails" statuses={EMAIL_STATUSES} current={status.value} />
      <DataTable
        label="Emails"
        columns={COLUMNS}
        rows={emails}
        rowKey={(email) => email.id}
        empty="No emails."
        cells={(email) => [
          formatTime(email.createdAt),
          email.to,
          email.subject,
          <StatusBadge key="status" status={email.status} />,
          formatTime(email.sentAt),
          <span key="transport">
            {email.provider}
            {email.providerId && <span className="muted"> {email.providerId}</span>}
          </span>,
          <ErrorLine key="error" text={email.error} />,
        ]}
      />
    </DashboardShell>
  );
}
