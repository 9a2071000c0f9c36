// How the dashboard writes times, durations and rates: UTC everywhere (cron slots are UTC), short and aligned.

export function formatTime(value: Date | string | null | undefined): string {
  if (!value) return '—';
  return new Date(value).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

export function formatPercent(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)}%`;
}

export function formatJson(value: unknown): string {
  return value === undefined ? '—' : JSON.stringify(value, null, 2);
}

/** Jobs per minute, or per hour when fewer than one a minute (a quiet queue would read 0.00/min). */
export function formatThroughput(perMinute: number): string {
  return perMinute >= 1 ? `${perMinute.toFixed(1)}/min` : `${(perMinute * 60).toFixed(1)}/h`;
}
