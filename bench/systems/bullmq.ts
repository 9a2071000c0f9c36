// BullMQ 6.7 on its two backends: Redis (its home) and PostgreSQL (the backend 6.x added, via withBackend).
// Library defaults otherwise: completed jobs are kept, as BullMQ does unless told removeOnComplete.
import { Queue, Worker, createPostgresBackend, withBackend } from 'bullmq';
import { packageVersion } from '../lib/package-version';
import type { BenchSystem, JobPayload, RunningWorker, SystemContext, SystemFactory, WorkerOptions } from '../lib/system';

const QUEUE = 'bench';
const JOB_NAME = 'noop';

/** The part of Queue and Worker the bench uses; both backends' classes fit it. */
interface QueueHandle {
  add(name: string, data: JobPayload): Promise<unknown>;
  addBulk(jobs: Array<{ name: string; data: JobPayload }>): Promise<unknown>;
  getCompletedCount(): Promise<number>;
  waitUntilReady(): Promise<unknown>;
  close(): Promise<void>;
}
interface WorkerHandle {
  on(event: 'error', listener: (error: Error) => void): unknown;
  waitUntilReady(): Promise<unknown>;
  close(): Promise<void>;
}

/** How one backend opens its queue and worker, given fresh scratch state. */
interface Backend {
  prepare(context: SystemContext): Promise<void>;
  openQueue(): QueueHandle;
  openWorker(processor: (data: JobPayload) => Promise<void>, concurrency: number): WorkerHandle;
}

class BullmqSystem implements BenchSystem {
  readonly #context: SystemContext;
  readonly #backend: Backend;
  #queue: QueueHandle | undefined;

  constructor(context: SystemContext, backend: Backend) {
    this.#context = context;
    this.#backend = backend;
  }

  async setup(): Promise<void> {
    await this.#backend.prepare(this.#context);
    this.#queue = this.#backend.openQueue();
    await this.#queue.waitUntilReady();
  }

  async bulkEnqueue(count: number): Promise<void> {
    await this.#requireQueue().addBulk(Array.from({ length: count }, () => ({ name: JOB_NAME, data: {} })));
  }

  async enqueueOne(sentAtMs: number): Promise<void> {
    await this.#requireQueue().add(JOB_NAME, { sentAtMs });
  }

  async finishedCount(): Promise<number> {
    // BullMQ's own completed set (a Redis sorted set, or its PostgreSQL backend's job states); jobs are kept there.
    return this.#requireQueue().getCompletedCount();
  }

  async startWorker({ concurrency, onJob }: WorkerOptions): Promise<RunningWorker> {
    const worker = this.#backend.openWorker(async (data) => onJob(data), concurrency);
    // Worker connection errors arrive as 'error' events; unheard, they would crash the run instead of failing it.
    worker.on('error', (error) => console.error(`BullMQ worker: ${error.message}`));
    try {
      await worker.waitUntilReady();
    } catch (error) {
      await worker.close();
      throw error;
    }
    return { stop: () => worker.close() };
  }

  async teardown(): Promise<void> {
    await this.#queue?.close();
  }

  #requireQueue(): QueueHandle {
    if (!this.#queue) throw new Error('BullMQ: setup() has not run');
    return this.#queue;
  }
}

/** Redis: a random key prefix per instance; the harness deletes its keys afterwards. */
function redisBackend(): Backend {
  let connection = { url: '' };
  let prefix = '';
  return {
    async prepare(context) {
      connection = { url: context.config.redisUrl };
      prefix = context.scratch.redisPrefix();
    },
    openQueue: () => new Queue(QUEUE, { connection, prefix }),
    openWorker: (processor, concurrency) =>
      new Worker(QUEUE, (job) => processor(job.data as JobPayload), { connection, prefix, concurrency }),
  };
}

/** PostgreSQL: a scratch database per instance; BullMQ creates its schema there (`migrate: true`). */
function postgresBackend(): Backend {
  const classes = withBackend(createPostgresBackend);
  let connection = { connectionString: '', migrate: true };
  return {
    async prepare(context) {
      connection = { connectionString: (await context.scratch.database()).url, migrate: true };
    },
    openQueue: () => new classes.Queue(QUEUE, { connection }),
    openWorker: (processor, concurrency) =>
      new classes.Worker(QUEUE, (job) => processor(job.data as JobPayload), { connection, concurrency }),
  };
}

const version = packageVersion('bullmq');

export const bullmqRedis: SystemFactory = {
  id: 'bullmq-redis',
  name: `BullMQ ${version} on Redis`,
  kind: 'peer',
  create: (context) => new BullmqSystem(context, redisBackend()),
};

export const bullmqPostgres: SystemFactory = {
  id: 'bullmq-postgres',
  name: `BullMQ ${version} on PostgreSQL`,
  kind: 'peer',
  create: (context) => new BullmqSystem(context, postgresBackend()),
};
