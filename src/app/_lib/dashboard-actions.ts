// What the dashboard's job actions share: the signed-in admin as the audited actor, and the provider's inspector
// (or a 409 naming the provider when it has none: Inngest keeps its jobs elsewhere).
import { ConflictError } from '@/domain/errors';
import type { JobActionContext } from '@/domain/jobs/audited-job-actions';
import type { Runtime } from '@/runtime';
import { requestSession, sessionAdmin } from './with-dashboard-form';

export async function adminActionContext(request: Request, runtime: Runtime): Promise<JobActionContext> {
  const admin = await sessionAdmin(runtime, requestSession(request));
  const { inspector } = runtime.provider;
  if (!inspector) throw new ConflictError(`The ${runtime.provider.name} provider keeps its jobs elsewhere: act on them in its own dashboard`);
  return { db: runtime.database.db, inspector, actor: { name: `admin:${admin.email}`, userId: admin.id } };
}

/** A job's dashboard path: a BullMQ id holds a slash, which one path segment carries encoded. */
export function jobPath(id: string): string {
  return `/admin/jobs/${encodeURIComponent(id)}`;
}

/** The job id a path segment names (decoded once; ids never hold '%', so an already decoded one passes as is). */
export function jobIdFromSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
