import Link from 'next/link';

/** The status links above a support log (all, then each status), the current one marked. */
export function StatusFilter({ path, statuses, current }: { path: string; statuses: readonly string[]; current: string | undefined }) {
  return (
    <nav className="window-picker" aria-label="Filter by status">
      <Link href={path} className="button secondary" aria-current={current === undefined ? 'true' : undefined}>
        all
      </Link>
      {statuses.map((status) => (
        <Link key={status} href={`${path}?status=${status}`} className="button secondary" aria-current={status === current ? 'true' : undefined}>
          {status}
        </Link>
      ))}
    </nav>
  );
}
