// pg-boss 10.4.2 in the two configurations of shared/BENCHMARKS.md: default polling (2 s) and 0.5 s polling.
// pg-boss 10 has no per-job concurrency (v10 dropped teamSize/teamConcurrency). A work() call is one loop: fetch up
// to batchSize jobs in one statement, call the handler once with the batch, complete the batch (not awaited),
// sleep out the rest of the polling interval. So both variants run ONE loop with batchSize 1000 and ignore
// `concurrency`: throughput is about batchSize per polling interval, and there is no LISTEN/NOTIFY wake-up, so
// latency is spread over the polling interval. (10 loops of 1000 would claim all 10,000 jobs in the first fetch.)
import PgBoss from 'pg-boss';
import { z } from 'zod';
import { packageVersion } from '../lib/package-version';
import type { BenchSystem, JobPayload, RunningWorker, SystemContext, SystemFactory, WorkerOptions } from '../lib/system';

const QUEUE = 'bench';

interface PgBossVariant {
  readonly batchSize: number;
  /** Omitted = pg-boss's default (2 s). pg-boss refuses anything under 0.5 s. */
  readonly pollingIntervalSeconds?: number;
}

// Cron scheduling and maintenance are off: the workloads exercise neither, and their start-up queries would land
// inside the timed window of the process workload.
const QUIET = { schedule: false, supervise: false } as const;

class PgBossSystem implements BenchSystem {
  readonly #context: SystemContext;
  readonly #variant: PgBossVariant;
  #url = '';
  #producer: PgBoss | undefined;

  constructor(context: SystemContext, variant: PgBossVariant) {
    this.#context = context;
    this.#variant = variant;
  }

  async setup(): Promise<void> {
    this.#url = (await this.#context.scratch.database()).url;
    this.#producer = open(this.#url, 'producer');
    await this.#producer.start(); // creates the pgboss schema
    await this.#producer.createQueue(QUEUE); // v10: a queue must exist before send()
  }

  async bulkEnqueue(count: number): Promise<void> {
    // insert(): one INSERT ... SELECT FROM json_to_recordset($1) for the whole array.
    await this.#requireProducer().insert(Array.from({ length: count }, () => ({ name: QUEUE, data: {} })));
  }

  async enqueueOne(sentAtMs: number): Promise<void> {
    await this.#requireProducer().send(QUEUE, { sentAtMs } satisfies JobPayload);
  }

  async finishedCount(): Promise<number> {
    // pg-boss 10 marks a finished job state = 'completed' in its job table (one partition per queue); it moves
    // completed jobs to the archive only in maintenance, which is off here.
    const result = await this.#requireProducer()
      .getDb()
      .executeSql(`select count(*)::int as n from pgboss.job where name = $1 and state = 'completed'`, [QUEUE]);
    return z.object({ n: z.number() }).parse(result.rows[0]).n;
  }

  async startWorker({ onJob }: WorkerOptions): Promise<RunningWorker> {
    // A boss of its own, as a separate worker process would have: its own pool, stopped with the worker.
    const worker = open(this.#url, 'worker');
    try {
      await worker.start();
      // Only pass the interval when set: pg-boss checks `'pollingIntervalSeconds' in options`, so undefined fails.
      const { batchSize, pollingIntervalSeconds } = this.#variant;
      const options = pollingIntervalSeconds === undefined ? { batchSize } : { batchSize, pollingIntervalSeconds };
      await worker.work<JobPayload>(QUEUE, options, async (jobs) => {
        for (const job of jobs) onJob(job.data);
      });
    } catch (error) {
      await worker.stop({ graceful: false });
      throw error;
    }
    // graceful + wait: stop() resolves once in-flight batches are done and the pool is closed.
    return { stop: () => worker.stop({ graceful: true, wait: true, timeout: 30_000 }) };
  }

  async teardown(): Promise<void> {
    await this.#producer?.stop({ graceful: false, wait: true });
  }

  #requireProducer(): PgBoss {
    if (!this.#producer) throw new Error('pg-boss: setup() has not run');
    return this.#producer;
  }
}

function open(url: string, role: string): PgBoss {
  const boss = new PgBoss({ connectionString: url, application_name: `bench-pg-boss-${role}`, ...QUIET });
  // pg-boss reports fetch and completion failures as 'error' events; an unheard 'error' event would crash the run.
  boss.on('error', (error) => console.error(`pg-boss ${role}: ${error.message}`));
  return boss;
}

const version = packageVersion('pg-boss');

export const pgBossDefault: SystemFactory = {
  id: 'pg-boss-default',
  name: `pg-boss ${version}, batch 1000, default polling (2 s)`,
  kind: 'peer',
  create: (context) => new PgBossSystem(context, { batchSize: 1000 }),
};

export const pgBossBatched: SystemFactory = {
  id: 'pg-boss-batch',
  name: `pg-boss ${version}, batch 1000, 0.5 s polling`,
  kind: 'peer',
  create: (context) => new PgBossSystem(context, { batchSize: 1000, pollingIntervalSeconds: 0.5 }),
};
