// Gathers the inputs of the job-health report through the provider contract (never a provider class) and judges
// them. A provider without an inspector answers why, so callers can say so instead of reporting "healthy".
import type { JobProvider, ProviderName } from '../jobs/providers/types';
import { cronExpectations, evaluateJobHealth, HEALTH_WINDOW_MS, missedCronSlots, type JobHealthReport, type JobHealthThresholds } from './job-health';

export type JobHealthReading =
  | { available: true; report: JobHealthReport }
  | { available: false; provider: ProviderName; reason: string; dashboardUrl?: string };

export interface JobHealthSources {
  provider: Pick<JobProvider, 'name' | 'inspector' | 'externalDashboardUrl'>;
  /** The cron schedules of the registry's definitions. */
  schedules: ReadonlyArray<{ id: string; cron: string }>;
}

export async function readJobHealth(sources: JobHealthSources, thresholds: JobHealthThresholds, now: Date): Promise<JobHealthReading> {
  const { provider } = sources;
  const inspector = provider.inspector;
  if (!inspector) {
    return {
      available: false,
      provider: provider.name,
      reason: provider.externalDashboardUrl
        ? `The ${provider.name} provider keeps job state outside this app; see its dashboard`
        : `The ${provider.name} provider offers no job inspection yet`,
      ...(provider.externalDashboardUrl && { dashboardUrl: provider.externalDashboardUrl }),
    };
  }
  const expectations = cronExpectations(sources.schedules, now, thresholds.cronGraceMs);
  const [queue, metrics, runs] = await Promise.all([
    inspector.queueHealth(),
    inspector.metrics({ windowMs: HEALTH_WINDOW_MS, buckets: 1 }),
    inspector.cronSlots(expectations.flatMap((expectation) => expectation.slots.map((slot) => ({ definition: expectation.definition, slot })))),
  ]);
  const { completed, failed, retried } = metrics.overall;
  const report = evaluateJobHealth({ now, queue, lastHour: { completed, failed, retried }, missedCron: missedCronSlots(expectations, runs) }, thresholds);
  return { available: true, report };
}

/** The schedules of a registry's cron definitions, in the shape readJobHealth takes. */
export function cronSchedules(definitions: ReadonlyArray<{ id: string; trigger: { cron: string } }>): Array<{ id: string; cron: string }> {
  return definitions.map((definition) => ({ id: definition.id, cron: definition.trigger.cron }));
}
