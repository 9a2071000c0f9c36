// The frame of every dashboard page: the header with the sections, who is signed in and sign-out, and the
// outcome of the last action (the ?notice= or ?error= a form post redirected with).
import Link from 'next/link';
import type { ReactNode } from 'react';
import type { User } from '@/domain/users/create-user';
import '../dashboard.css';

export type Section = 'jobs' | 'metrics' | 'cron' | 'deliveries' | 'emails';

const SECTIONS: ReadonlyArray<{ id: Section; label: string; href: string }> = [
  { id: 'jobs', label: 'Jobs', href: '/admin/jobs' },
  { id: 'metrics', label: 'Metrics', href: '/admin/jobs/metrics' },
  { id: 'cron', label: 'Cron', href: '/admin/jobs/cron' },
  { id: 'deliveries', label: 'Deliveries', href: '/admin/jobs/deliveries' },
  { id: 'emails', label: 'Emails', href: '/admin/jobs/emails' },
];

export interface DashboardShellProps {
  /** The signed-in admin; absent on the sign-in page, which has no navigation. */
  admin?: User;
  section?: Section;
  title: string;
  notice?: string;
  error?: string;
  children: ReactNode;
}

export function DashboardShell({ admin, section, title, notice, error, children }: DashboardShellProps) {
  return (
    <div className="dashboard">
      <header className="dashboard-header">
        <Link href="/admin/jobs" className="dashboard-brand">
          Signing jobs <span>operations</span>
        </Link>
        {admin && (
          <nav aria-label="Dashboard">
            {SECTIONS.map((entry) => (
              <Link key={entry.id} href={entry.href} aria-current={entry.id === section ? 'page' : undefined}>
                {entry.label}
              </Link>
            ))}
          </nav>
        )}
        {admin && (
          <form method="post" action="/admin/jobs/sign-out" className="dashboard-account">
            <span>{admin.email}</span>
            <button type="submit">Sign out</button>
          </form>
        )}
      </header>
      <main className="dashboard-main">
        <h1>{title}</h1>
        {notice && (
          <p className="banner banner-notice" role="status">
            {notice}
          </p>
        )}
        {error && (
          <p className="banner banner-error" role="alert">
            {error}
          </p>
        )}
        {children}
      </main>
    </div>
  );
}
