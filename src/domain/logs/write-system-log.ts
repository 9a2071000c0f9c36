import { systemLogs } from '../../db/schema';
import type { Database } from '../../db/client';

export interface SystemLogEntry {
  level: 'info' | 'warn' | 'error';
  source: string;
  message: string;
  data?: Record<string, unknown>;
}

/** Appends an operational event (a failed job, a cleanup's counts) to system_logs. */
export async function writeSystemLog(db: Database, entry: SystemLogEntry): Promise<void> {
  await db.insert(systemLogs).values({ ...entry, data: entry.data ?? {} });
}
