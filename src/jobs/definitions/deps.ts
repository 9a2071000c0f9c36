import type { Database } from '../../db/client';

/** What job handlers may use. Built once per process by the runtime; tests build their own. */
export interface JobDeps {
  db: Database;
  now: () => Date;
}
