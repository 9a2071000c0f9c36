// The job-health evaluation without HTTP or a database: each threshold at, just over and (for rates) below the
// minimum number of finished jobs, which cron slots count as missed, and the answer for a provider without an inspector.
import { describe, expect, it } from 'vitest';
import { cronExpectations, evaluateJobHealth, missedCronSlots, type JobHealthInputs, type JobHealthThresholds } from '../../src/observability/job-health';
import { readJobHealth } from '../../src/observability/read-job-health';

const thresholds: JobHealthThresholds = {
  queueDepth: 100,
  oldestPendingMs: 600_000,
  stuck: 0,
  failureRate: 0.1,
  retryRate: 0.25,
  minFinished: 20,
  cronGraceMs: 300_000,
};

const NOW = new Date('2026-03-01T12:07:30.000Z');

function inputs(overrides: Partial<JobHealthInputs> = {}): JobHealthInputs {
  return {
    now: NOW,
    queue: { depth: 0, oldestPendingAgeMs: null, stuck: 0 },
    lastHour: { completed: 0, failed: 0, retried: 0 },
    missedCron: [],
    ...overrides,
  };
}

const names = (input: JobHealthInputs, limits = thresholds) => evaluateJobHealth(input, limits).breaches.map((breach) => breach.name);

describe('evaluateJobHealth', () => {
  it('reports ok with no breaches for an idle system', () => {
    const report = evaluateJobHealth(inputs(), thresholds);
    expect(report).toEqual({
      status: 'ok',
      checkedAt: NOW.toISOString(),
      queue: { depth: 0, oldestPendingAgeSeconds: null, stuck: 0 },
      lastHour: { finished: 0, completed: 0, failed: 0, retried: 0, failureRate: null, retryRate: null },
      missedCron: [],
      breaches: [],
    });
  });

  it('breaches queue depth only above the limit', () => {
    expect(names(inputs({ queue: { depth: 100, oldestPendingAgeMs: 1000, stuck: 0 } }))).toEqual([]);
    const report = evaluateJobHealth(inputs({ queue: { depth: 101, oldestPendingAgeMs: 1000, stuck: 0 } }), thresholds);
    expect(report.status).toBe('breached');
    expect(report.breaches).toEqual([{ name: 'queue-depth', value: 101, limit: 100 }]);
  });

  it('breaches the oldest pending age above the limit, reported in seconds', () => {
    expect(names(inputs({ queue: { depth: 1, oldestPendingAgeMs: 600_000, stuck: 0 } }))).toEqual([]);
    const report = evaluateJobHealth(inputs({ queue: { depth: 1, oldestPendingAgeMs: 600_001, stuck: 0 } }), thresholds);
    expect(report.breaches).toEqual([{ name: 'oldest-pending', value: 601, limit: 600 }]);
    expect(report.queue.oldestPendingAgeSeconds).toBe(600);
  });

  it('breaches on one stuck job with the default limit of 0, and not at a raised limit', () => {
    expect(evaluateJobHealth(inputs({ queue: { depth: 0, oldestPendingAgeMs: null, stuck: 1 } }), thresholds).breaches).toEqual([{ name: 'stuck', value: 1, limit: 0 }]);
    expect(names(inputs({ queue: { depth: 0, oldestPendingAgeMs: null, stuck: 2 } }), { ...thresholds, stuck: 2 })).toEqual([]);
  });

  it('breaches the failure rate above the limit once enough jobs finished', () => {
    // 2 of 20 failed = exactly 10 %: not over.
    expect(names(inputs({ lastHour: { completed: 18, failed: 2, retried: 0 } }))).toEqual([]);
    const report = evaluateJobHealth(inputs({ lastHour: { completed: 17, failed: 3, retried: 0 } }), thresholds);
    expect(report.breaches).toEqual([{ name: 'failure-rate', value: 0.15, limit: 0.1 }]);
    expect(report.lastHour).toEqual({ finished: 20, completed: 17, failed: 3, retried: 0, failureRate: 0.15, retryRate: 0 });
  });

  it('never judges rates over fewer finished jobs than the minimum, but reports them', () => {
    const report = evaluateJobHealth(inputs({ lastHour: { completed: 1, failed: 1, retried: 2 } }), thresholds);
    expect(report.breaches).toEqual([]);
    expect(report.lastHour).toMatchObject({ finished: 2, failureRate: 0.5, retryRate: 1 });
    expect(names(inputs({ lastHour: { completed: 1, failed: 1, retried: 2 } }), { ...thresholds, minFinished: 2 })).toEqual(['failure-rate', 'retry-rate']);
  });

  it('breaches the retry rate above the limit (retried jobs over finished ones)', () => {
    expect(names(inputs({ lastHour: { completed: 20, failed: 0, retried: 5 } }))).toEqual([]);
    expect(evaluateJobHealth(inputs({ lastHour: { completed: 20, failed: 0, retried: 6 } }), thresholds).breaches).toEqual([{ name: 'retry-rate', value: 0.3, limit: 0.25 }]);
  });

  it('breaches on any missed cron slot and lists every breach in a fixed order', () => {
    const missed = [{ definition: 'expire-recipients-sweep', slot: '2026-03-01T11:00:00.000Z', expectedBy: '2026-03-01T11:05:00.000Z' }];
    const report = evaluateJobHealth(inputs({ queue: { depth: 500, oldestPendingAgeMs: 1_000_000, stuck: 3 }, missedCron: missed }), thresholds);
    expect(report.breaches.map((breach) => breach.name)).toEqual(['queue-depth', 'oldest-pending', 'stuck', 'missed-cron']);
    expect(report.breaches.at(-1)).toEqual({ name: 'missed-cron', value: 1, limit: 0 });
    expect(report.missedCron).toEqual(missed);
  });
});

describe('cron expectations', () => {
  const hourly = { id: 'hourly', cron: '0 * * * *' };
  const everyFive = { id: 'five', cron: '*/5 * * * *' };

  it('expects the latest slot whose grace is over, with the later slots that also count', () => {
    // 12:07:30 with 5 min grace: the hourly 12:00 slot was due by 12:05; the 5-minute schedule's 12:00 slot by 12:05, and 12:05 is later.
    const [hour, five] = cronExpectations([hourly, everyFive], NOW, 300_000);
    expect(hour).toEqual({ definition: 'hourly', slot: new Date('2026-03-01T12:00:00Z'), expectedBy: new Date('2026-03-01T12:05:00Z'), slots: [new Date('2026-03-01T12:00:00Z')] });
    expect(five!.slot).toEqual(new Date('2026-03-01T12:00:00Z'));
    expect(five!.slots).toEqual([new Date('2026-03-01T12:00:00Z'), new Date('2026-03-01T12:05:00Z')]);
  });

  it('still expects the previous slot while the latest one is within its grace', () => {
    const [hour] = cronExpectations([hourly], new Date('2026-03-01T12:04:59Z'), 300_000);
    expect(hour!.slot).toEqual(new Date('2026-03-01T11:00:00Z'));
    expect(hour!.slots).toEqual([new Date('2026-03-01T11:00:00Z'), new Date('2026-03-01T12:00:00Z')]);
  });

  it('counts a slot missed only when neither it nor a later slot produced a job', () => {
    const expectations = cronExpectations([hourly, everyFive], NOW, 300_000);
    const run = (definition: string, iso: string) => ({ definition, slot: new Date(iso), jobId: '1', status: 'COMPLETED' as const });
    const none = (definition: string, iso: string) => ({ definition, slot: new Date(iso), jobId: null, status: null });
    // The 5-minute schedule's 12:00 slot never ran (say the app started at 12:03), but 12:05 did: it is running.
    expect(missedCronSlots(expectations, [none('hourly', '2026-03-01T12:00:00Z'), none('five', '2026-03-01T12:00:00Z'), run('five', '2026-03-01T12:05:00Z')])).toEqual([
      { definition: 'hourly', slot: '2026-03-01T12:00:00.000Z', expectedBy: '2026-03-01T12:05:00.000Z' },
    ]);
    expect(missedCronSlots(expectations, [run('hourly', '2026-03-01T12:00:00Z'), run('five', '2026-03-01T12:00:00Z')])).toEqual([]);
  });

  it('with no grace, expects the slot that just fired', () => {
    const [five] = cronExpectations([everyFive], new Date('2026-03-01T12:05:00Z'), 0);
    expect(five!.slots).toEqual([new Date('2026-03-01T12:05:00Z')]);
  });
});

describe('readJobHealth without an inspector', () => {
  it('says which provider has none, and where Inngest-like providers keep their dashboard', async () => {
    expect(await readJobHealth({ provider: { name: 'bullmq' }, schedules: [] }, thresholds, NOW)).toEqual({
      available: false,
      provider: 'bullmq',
      reason: 'The bullmq provider offers no job inspection yet',
    });
    expect(await readJobHealth({ provider: { name: 'inngest', externalDashboardUrl: 'https://inngest.example/apps/signing-jobs' }, schedules: [] }, thresholds, NOW)).toEqual({
      available: false,
      provider: 'inngest',
      reason: 'The inngest provider keeps job state outside this app; see its dashboard',
      dashboardUrl: 'https://inngest.example/apps/signing-jobs',
    });
  });
});
