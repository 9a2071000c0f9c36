import type { Database } from '../../db/client';
import { auditLogs } from '../../db/schema';

export type AuditType =
  | 'DOCUMENT_CREATED'
  | 'DOCUMENT_SENT'
  | 'DOCUMENT_DELETED'
  | 'INVITATION_SENT'
  | 'RECIPIENT_SIGNED'
  | 'RECIPIENT_REJECTED'
  | 'RECIPIENT_EXPIRED'
  | 'DOCUMENT_COMPLETED'
  | 'DOCUMENT_REJECTED'
  // Operators' actions on jobs (CLI, dashboard): `data.actor` names who, e.g. "cli:ada".
  | 'JOB_RETRIED'
  | 'JOBS_RETRIED'
  | 'JOB_REPLAYED'
  | 'JOB_CANCELLED'
  | 'JOBS_PRUNED';

export interface AuditEntry {
  type: AuditType;
  documentId?: string | null;
  /** Who acted, when it was a user; recipients and jobs act without one (their identity goes in `data`). */
  userId?: string | null;
  data?: Record<string, unknown>;
}

/** Appends to the audit trail; several entries go in one INSERT (the expiry sweep writes a thousand at once). */
export async function writeAuditLog(db: Database, entries: AuditEntry | readonly AuditEntry[]): Promise<void> {
  const list = Array.isArray(entries) ? entries : [entries as AuditEntry];
  if (list.length === 0) return;
  await db.insert(auditLogs).values(
    list.map((entry) => ({ type: entry.type, documentId: entry.documentId ?? null, userId: entry.userId ?? null, data: entry.data ?? {} })),
  );
}
