// graphile-worker 0.16.6: WorkerUtils to migrate and enqueue, run() for the worker (LISTEN/NOTIFY wake-ups).
// We hand it pools we own: its release() ends its own pool without awaiting it and unhooks the pool's error
// handler first, so the harness's DROP DATABASE ... WITH (FORCE) would then crash the process with an unheard
// 'error' event.
// Finished: graphile-worker deletes a job's row when it completes, so the jobs finished are those enqueued here
// whose rows are gone.
import { Logger, makeWorkerUtils, run, type LogFunctionFactory, type WorkerUtils } from 'graphile-worker';
import pg from 'pg';
import { packageVersion } from '../lib/package-version';
import type { BenchSystem, JobPayload, RunningWorker, SystemContext, SystemFactory, WorkerOptions } from '../lib/system';

const TASK = 'noop';

// Errors still reach stderr; the per-job info lines would drown the progress log and cost time in the hot path.
const logFactory: LogFunctionFactory = (scope) => (level, message) => {
  if (level === 'error') console.error(`graphile-worker ${scope.label ?? ''}: ${message}`);
};
const logger = new Logger(logFactory);

class GraphileWorkerSystem implements BenchSystem {
  readonly #context: SystemContext;
  #url = '';
  #pool: pg.Pool | undefined;
  #utils: WorkerUtils | undefined;
  /** Rows this instance inserted, as the inserts reported them. */
  #enqueued = 0;

  constructor(context: SystemContext) {
    this.#context = context;
  }

  async setup(): Promise<void> {
    this.#url = (await this.#context.scratch.database()).url;
    this.#pool = openPool(this.#url, 'producer');
    this.#utils = await makeWorkerUtils({ pgPool: this.#pool, logger });
    await this.#utils.migrate();
  }

  async bulkEnqueue(count: number): Promise<void> {
    // 0.16 has no addJobs() (it arrived in 0.17), but its schema has add_jobs(job_spec[]): one statement, one
    // NOTIFY for the whole batch. count(*) keeps the N inserted rows it returns on the server.
    const specs = JSON.stringify(Array.from({ length: count }, () => ({ identifier: TASK, payload: {} })));
    const result = await this.#requireUtils().withPgClient((client) =>
      client.query<{ n: number }>(
        `select count(*)::int as n from graphile_worker.add_jobs(array(select json_populate_recordset(null::graphile_worker.job_spec, $1::json)))`,
        [specs],
      ),
    );
    this.#enqueued += result.rows[0]!.n;
  }

  async enqueueOne(sentAtMs: number): Promise<void> {
    await this.#requireUtils().addJob(TASK, { sentAtMs } satisfies JobPayload);
    this.#enqueued += 1;
  }

  async finishedCount(): Promise<number> {
    // jobs is graphile-worker's public view of its _private_jobs table; a row leaves it when the job completes.
    const result = await this.#requireUtils().withPgClient((client) => client.query<{ n: number }>(`select count(*)::int as n from graphile_worker.jobs`));
    return this.#enqueued - result.rows[0]!.n;
  }

  async startWorker({ concurrency, onJob }: WorkerOptions): Promise<RunningWorker> {
    // Its own pool, as a separate worker process would have; 10 = graphile-worker's default maxPoolSize.
    const pool = openPool(this.#url, 'worker');
    try {
      const runner = await run({
        pgPool: pool,
        concurrency,
        noHandleSignals: true,
        logger,
        taskList: { [TASK]: async (payload) => onJob(payload as JobPayload) },
      });
      return {
        async stop() {
          await runner.stop();
          await pool.end();
        },
      };
    } catch (error) {
      await pool.end();
      throw error;
    }
  }

  async teardown(): Promise<void> {
    await this.#utils?.release();
    await this.#pool?.end();
  }

  #requireUtils(): WorkerUtils {
    if (!this.#utils) throw new Error('graphile-worker: setup() has not run');
    return this.#utils;
  }
}

function openPool(url: string, role: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 10, application_name: `bench-graphile-worker-${role}` });
  // An idle client dropped by the server must not crash the run; a query on it still fails and is reported.
  pool.on('error', (error) => console.error(`graphile-worker ${role} pool: ${error.message}`));
  return pool;
}

export const graphileWorker: SystemFactory = {
  id: 'graphile-worker',
  name: `graphile-worker ${packageVersion('graphile-worker')}`,
  kind: 'peer',
  create: (context) => new GraphileWorkerSystem(context),
};
