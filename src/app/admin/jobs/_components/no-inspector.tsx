import type { JobProvider } from '@/jobs/providers/types';

/** What a jobs view shows when the provider keeps jobs' state elsewhere (Inngest): where to look instead. */
export function NoInspector({ provider }: { provider: JobProvider }) {
  // Inngest's own dashboard, or one the app serves for the provider (BullMQ: bull-board), until it has an inspector.
  const url = provider.externalDashboardUrl ?? provider.dashboard?.basePath;
  return (
    <section className="panel" data-testid="no-inspector">
      <p>
        The <strong>{provider.name}</strong> provider keeps jobs and their runs outside this app&apos;s database, so
        this dashboard cannot list, retry or measure them.
      </p>
      {url ? (
        <p>
          Use the provider&apos;s own dashboard: <a href={url}>{url}</a>
        </p>
      ) : (
        <p>Use the provider&apos;s own tools to inspect its jobs.</p>
      )}
    </section>
  );
}
