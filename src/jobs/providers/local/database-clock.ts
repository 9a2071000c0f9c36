// The scheduler's clock: this process's clock corrected by its measured offset from the database server's, so
// instances whose clocks disagree (skew, NTP steps) still agree on which cron slot is due. Re-measured every
// 10 minutes; until the first measurement it is the local clock.
import type { SqlExecutor } from '../../../db/client';

const REMEASURE_MS = 10 * 60 * 1000;

export class DatabaseClock {
  private offsetMs = 0;
  private measuredAt = -Infinity;

  constructor(private readonly sql: SqlExecutor) {}

  now = (): Date => {
    if (Date.now() - this.measuredAt > REMEASURE_MS) void this.measure().catch(() => {});
    return new Date(Date.now() + this.offsetMs);
  };

  /** Measures the offset, assuming the server read its clock halfway through the round trip. */
  async measure(): Promise<number> {
    this.measuredAt = Date.now();
    const sentAt = Date.now();
    const rows = await this.sql.query<{ ms: string }>(`select (extract(epoch from clock_timestamp()) * 1000)::bigint::text as ms`);
    const receivedAt = Date.now();
    this.offsetMs = Number(rows[0]!.ms) - (sentAt + receivedAt) / 2;
    return this.offsetMs;
  }
}
