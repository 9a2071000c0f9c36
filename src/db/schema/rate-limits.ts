import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The counters of rate-limiter-flexible's RateLimiterDrizzle (src/limits/): one row per limited key (`<limit>:<ip
 * or account>`), `points` consumed in the window that ends at `expire`. In the database, not in process memory, so a
 * limit holds across every instance of the app. The library upserts by primary key and itself deletes rows an hour
 * past `expire`, so no other index is needed.
 */
export const rateLimits = pgTable('rate_limits', {
  key: text('key').primaryKey(),
  points: integer('points').notNull().default(0),
  expire: timestamp('expire', { withTimezone: true }),
});
