// Our BullMQ provider through its public API: jobs in Redis, step memos (and per-job anchor rows) in PostgreSQL.
import { z } from 'zod';
import type { DatabaseHandle } from '../../src/db/client';
import { openNodePostgres } from '../../src/db/drivers/node-postgres';
import { migrateDatabase } from '../../src/db/migrate';
import { JobClient } from '../../src/jobs/client';
import { defineJob, type JobDefinition } from '../../src/jobs/define';
import { defineEvent } from '../../src/jobs/event-type';
import { silentLogger } from '../../src/jobs/logger';
import { BullmqProvider } from '../../src/jobs/providers/bullmq/bullmq-provider';
import { JobRegistry, MAX_EVENTS_PER_DISPATCH } from '../../src/jobs/registry';
import type { BenchSystem, JobPayload, RunningWorker, SystemContext, SystemFactory, WorkerOptions } from '../lib/system';

const noopEvent = defineEvent('bench/noop', z.object({ sentAtMs: z.number().optional() }));

function registryWith(onJob: (payload: JobPayload) => void): JobRegistry {
  const definitions = [defineJob({ id: 'noop', trigger: { event: noopEvent } }, async ({ event }) => onJob(event.data))] as JobDefinition<never>[];
  return new JobRegistry([noopEvent], definitions);
}

class BullmqProviderSystem implements BenchSystem {
  #database: DatabaseHandle | undefined;
  #url = '';
  #prefix = '';
  #producer: BullmqProvider | undefined;
  #client: JobClient | undefined;

  constructor(private readonly context: SystemContext) {}

  async setup(): Promise<void> {
    this.#url = (await this.context.scratch.database()).url;
    this.#prefix = this.context.scratch.redisPrefix();
    this.#database = openNodePostgres(this.#url, { poolSize: 10 });
    await migrateDatabase(this.#database);
    this.#producer = this.#provider(this.#database, registryWith(() => {}), 10);
    this.#client = new JobClient(registryWith(() => {}), this.#producer);
  }

  #provider(database: DatabaseHandle, registry: JobRegistry, concurrency: number): BullmqProvider {
    return new BullmqProvider({
      redisUrl: this.context.config.redisUrl,
      prefix: this.#prefix,
      concurrency,
      database,
      registry,
      logger: silentLogger,
      onFailure: async (report) => console.error(`bench job failed: ${report.error}`),
      retentionDays: 1,
    });
  }

  async bulkEnqueue(count: number): Promise<void> {
    for (let done = 0; done < count; done += MAX_EVENTS_PER_DISPATCH) {
      const size = Math.min(MAX_EVENTS_PER_DISPATCH, count - done);
      await this.#client!.dispatch(Array.from({ length: size }, () => ({ name: 'bench/noop', data: {} })));
    }
  }

  async enqueueOne(sentAtMs: number): Promise<void> {
    await this.#client!.dispatch({ name: 'bench/noop', data: { sentAtMs } });
  }

  async finishedCount(): Promise<number> {
    // A job without steps never gets an anchor row in PostgreSQL (the provider skips it), so its finished state
    // is BullMQ's completed set of the definition's queue (kept for retentionDays).
    return this.#producer!.queue('noop').getCompletedCount();
  }

  async startWorker({ concurrency, onJob }: WorkerOptions): Promise<RunningWorker> {
    const database = openNodePostgres(this.#url, { poolSize: concurrency + 2 });
    const provider = this.#provider(database, registryWith(onJob), concurrency);
    await provider.start();
    return {
      stop: async () => {
        await provider.stop({ timeoutMs: 10_000 });
        await database.close();
      },
    };
  }

  async teardown(): Promise<void> {
    await this.#producer?.stop();
    await this.#database?.close();
  }
}

export const bullmqProvider: SystemFactory = {
  id: 'bullmq-provider',
  name: 'ours: BullMQ provider (Redis + PostgreSQL memos)',
  kind: 'ours',
  create: (context) => new BullmqProviderSystem(context),
};
