// Number formatting shared by the progress log and the report, in the style of shared/BENCHMARKS.md.
import type { LatencyFigures } from './workloads';

const NOT_MEASURED = '—';

/** Jobs/s or tps: whole numbers with thousands separators (1,918). */
export function formatRate(value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return NOT_MEASURED;
  return Math.round(value).toLocaleString('en-US');
}

/** Milliseconds: three significant digits below 100 (2.99, 13.2), whole numbers above (1,016). */
export function formatMs(value: number): string {
  if (!Number.isFinite(value)) return NOT_MEASURED;
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toPrecision(3);
}

export function formatLatency(latency: LatencyFigures | null | undefined): string {
  if (!latency) return NOT_MEASURED;
  return `${formatMs(latency.p50)} / ${formatMs(latency.p95)} / ${formatMs(latency.p99)}`;
}

/** A ratio as 3.91×; blank when either side is missing. */
export function formatRatio(value: number | null): string {
  if (value == null || !Number.isFinite(value)) return NOT_MEASURED;
  return `${value.toFixed(value >= 100 ? 0 : value >= 10 ? 1 : 2)}×`;
}

/** An error as one line, with its cause's message when there is one (e.g. the driver error behind ours). */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error instanceof AggregateError) return `${error.message}: ${error.errors.map(describeError).join('; ')}`;
  const cause = error.cause instanceof Error ? ` (cause: ${error.cause.message})` : '';
  return `${error.message}${cause}`;
}
