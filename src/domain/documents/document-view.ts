// What the API shows of a document: its state and each recipient's. Never the signing-token hash.
import type { documents, recipients } from '../../db/schema';

export type DocumentRow = typeof documents.$inferSelect;
export type RecipientRow = typeof recipients.$inferSelect;

export interface RecipientView {
  id: string;
  email: string;
  name: string | null;
  status: RecipientRow['status'];
  sentAt: Date | null;
  signedAt: Date | null;
  rejectedAt: Date | null;
  rejectionReason: string | null;
  expiresAt: Date | null;
}

export interface DocumentView {
  id: string;
  title: string;
  status: DocumentRow['status'];
  createdAt: Date;
  sentAt: Date | null;
  completedAt: Date | null;
  rejectedAt: Date | null;
  recipients: RecipientView[];
}

export function toDocumentView(document: DocumentRow, rows: readonly RecipientRow[]): DocumentView {
  return {
    id: document.id,
    title: document.title,
    status: document.status,
    createdAt: document.createdAt,
    sentAt: document.sentAt,
    completedAt: document.completedAt,
    rejectedAt: document.rejectedAt,
    recipients: rows.map((r) => ({
      id: r.id,
      email: r.email,
      name: r.name,
      status: r.status,
      sentAt: r.sentAt,
      signedAt: r.signedAt,
      rejectedAt: r.rejectedAt,
      rejectionReason: r.rejectionReason,
      expiresAt: r.expiresAt,
    })),
  };
}
