import { index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The counters of rate-limiter-flexible's RateLimiterDrizzle (src/limits/): one row per limited key (`<limit>:<hash
 * of the ip or account>`), `points` consumed in the window that ends at `expire`. In the database, not in process
 * memory, so a limit holds across every instance of the app. The library upserts by primary key.
 */
export const rateLimits = pgTable(
  'rate_limits',
  {
    key: text('key').primaryKey(),
    points: integer('points').notNull().default(0),
    expire: timestamp('expire', { withTimezone: true }),
  },
  (table) => [
    // Each limiter deletes rows an hour past `expire` every 5 minutes; under attack the table holds a row per
    // address tried, so that delete must not scan it.
    index('rate_limits_expire_idx').on(table.expire),
  ],
);
