// Job durations as histograms, so p95 can be merged across hourly roll-ups (a percentile of percentiles is not a
// percentile; a sum of histograms is a histogram). Buckets grow by 25%: a p95 read back is within about 12% of the
// exact value, which is what a dashboard needs and what keeps a week of metrics to a few thousand rows.

/** Lower bounds in ms: 0, then from 1 ms ×1.25 up to about an hour. SQL's width_bucket(ms, bounds) gives 1..n. */
export const DURATION_BUCKETS_MS: readonly number[] = (() => {
  const bounds = [0];
  for (let bound = 1; bound < 3_600_000; bound *= 1.25) bounds.push(Number(bound.toFixed(3)));
  return bounds;
})();

/** The bounds as a SQL array literal (constants only: no user input). */
export const DURATION_BUCKETS_SQL = `array[${DURATION_BUCKETS_MS.join(', ')}]::float8[]`;

/**
 * The `fraction` percentile (0.95 for p95) of a histogram keyed by width_bucket's 1-based index: the geometric middle
 * of the bucket holding that rank (half the upper bound for the first, the lower bound for the open last one).
 */
export function percentileOf(histogram: ReadonlyMap<number, number>, fraction: number): number | null {
  const total = [...histogram.values()].reduce((sum, count) => sum + count, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(fraction * total));
  let seen = 0;
  for (const bucket of [...histogram.keys()].sort((a, b) => a - b)) {
    seen += histogram.get(bucket)!;
    if (seen >= rank) return representative(bucket);
  }
  return representative(Math.max(...histogram.keys()));
}

function representative(bucket: number): number {
  const lower = DURATION_BUCKETS_MS[bucket - 1] ?? 0;
  const upper = DURATION_BUCKETS_MS[bucket];
  if (upper === undefined) return lower;
  return lower === 0 ? upper / 2 : Math.sqrt(lower * upper);
}
