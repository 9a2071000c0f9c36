import { eq, sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { webhooks } from '../../db/schema';

/**
 * Tracks an endpoint's current run of failures: a success ends it, a failure starts it if none is running.
 * Returns when the run began (null after a success), which is what decides disabling after days of failure.
 */
export async function recordWebhookHealth(db: Database, input: { id: string; ok: boolean; now: Date }): Promise<{ failingSince: Date | null }> {
  const [row] = await db
    .update(webhooks)
    .set({ failingSince: input.ok ? null : sql`coalesce(${webhooks.failingSince}, ${input.now})` })
    .where(eq(webhooks.id, input.id))
    .returning({ failingSince: webhooks.failingSince });
  return { failingSince: row?.failingSince ?? null };
}
