// Runs one attempt of a job: builds the step tools over a memo store, calls the handler, and turns what happened
// into an outcome the provider persists. Shared by every provider that keeps its own memos (local, BullMQ);
// Inngest memoizes in its own executor and maps its step tools instead.
import { backoffDelayMs } from './backoff';
import type { JobDefinition, StepTools } from './define';
import { toMilliseconds } from './duration';
import { hasErrorCode, NonRetriableError, type RetryAfterError } from './errors';
import type { JobEvent } from './event-type';
import type { JobLogger } from './logger';
import { runInStep, runWithJobContext } from './log-context';
import { redactError } from '../observability/redact-error';

export type Memo = { status: 'COMPLETED'; output: unknown } | { status: 'FAILED'; error: string };

/** When a step's run started and how long it took: stored with its memo for the operators' views. */
export interface StepTiming {
  startedAt: Date;
  durationMs: number;
}

/** Where a job's step results live. Writes are fenced: they fail with LeaseLostError once the job is someone else's. */
export interface MemoStore {
  load(): Promise<Map<string, Memo>>;
  save(stepId: string, memo: Memo, timing?: StepTiming): Promise<void>;
}

export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
}

export type ExecuteOutcome =
  /**
   * `whenMemosWritten`, only with `handBackUnsavedMemos` and memos still unwritten: the outcome to record once they
   * are written (this completion), or what their failure makes it (retry, failed, lease-lost). Never rejects.
   */
  | { kind: 'completed'; output: unknown; whenMemosWritten?: Promise<ExecuteOutcome> }
  | { kind: 'sleep'; until: Date }
  | { kind: 'retry'; error: string; at: Date }
  | { kind: 'failed'; error: string }
  | { kind: 'lease-lost' };

export interface ExecuteInput {
  definition: JobDefinition;
  event: JobEvent;
  jobId: string;
  /** 0-based attempt number. */
  attempt: number;
  maxAttempts: number;
  memos: MemoStore;
  /**
   * A completed job's last memos are handed back unwritten (`whenMemosWritten`) instead of awaited: a provider that
   * records the outcome only once they are written frees the worker slot a commit sooner. Without it every memo is
   * committed before executeJob returns.
   */
  handBackUnsavedMemos?: boolean;
  /**
   * Waits out a step's barrier (the previous step's memo being committed) off the worker slot: the provider lends
   * the slot to other work meanwhile and resolves once the job holds one again. Without it the wait holds the slot.
   */
  lendSlotWhile?: (waiting: Promise<void>) => Promise<void>;
  /** Dispatches events on behalf of step.sendEvent; `dedupePrefix` makes a re-run after a crash create nothing new. */
  dispatch(events: Array<{ name: string; data: unknown }>, dedupePrefix: string): Promise<string[]>;
  now: () => Date;
  random?: () => number;
  logger: JobLogger;
}

/** Thrown by step.sleep to unwind the handler; never seen by providers. */
class SleepSignal {
  constructor(readonly until: Date) {}
}

export async function executeJob(input: ExecuteInput): Promise<ExecuteOutcome> {
  const { definition, memos, now } = input;
  // Loaded on the first step, not up front: a job without steps costs no memo query at all.
  let loading: Promise<Map<string, Memo>> | undefined;
  const seen = new Set<string>();
  // Write-behind memos: a step's COMPLETED memo is committed while the code after the step runs, and the next step
  // (run, sleep, sendEvent) waits for it before it starts; so a step's result is durable before anything after it
  // can have an effect, as when each save was awaited, but the job's last memo need not hold its worker slot.
  const unsaved = new Set<Promise<void>>();
  const saveBehind = (id: string, memo: Memo, timing: StepTiming): void => {
    const saving = memos.save(id, memo, timing);
    // A written memo leaves the set; a failed one stays, so every later barrier rethrows it (no step runs after a
    // memo that was not written). The rejection handler also keeps it from counting as unhandled meanwhile.
    saving.then(() => unsaved.delete(saving), () => {});
    unsaved.add(saving);
  };
  const memosDurable = async (): Promise<void> => {
    while (unsaved.size) await Promise.all(unsaved);
  };
  // Before a step starts: nothing to wait for costs nothing; a memo still being committed is waited for off the slot.
  const stepBarrier = (): Promise<void> => (unsaved.size && input.lendSlotWhile ? input.lendSlotWhile(memosDurable()) : memosDurable());

  // The clock is the injected one: under a test clock durations are what the test made them.
  const since = (startedAt: Date): StepTiming => ({ startedAt, durationMs: Math.max(0, now().getTime() - startedAt.getTime()) });
  const claimStepId = (id: string) => {
    if (seen.has(id)) throw new NonRetriableError(`Step id "${id}" is used twice in job "${definition.id}"; step ids must be unique`);
    seen.add(id);
  };
  const completed = async (id: string) => {
    loading ??= memos.load();
    const memo = (await loading).get(id);
    return memo?.status === 'COMPLETED' ? memo : undefined;
  };

  const step: StepTools = {
    run: async (id, fn) => {
      claimStepId(id);
      const memo = await completed(id);
      if (memo) return memo.output as never;
      await stepBarrier();
      let output: unknown;
      const startedAt = now();
      try {
        // A JSON round trip: the first run returns exactly what a memoized replay would.
        output = toJson(await runInStep(id, fn));
      } catch (error) {
        await memos.save(id, { status: 'FAILED', error: describeError(error) }, since(startedAt));
        throw error;
      }
      saveBehind(id, { status: 'COMPLETED', output }, since(startedAt));
      return output as never;
    },
    sleep: async (id, duration) => {
      claimStepId(id);
      const memo = await completed(id);
      const until = memo ? new Date((memo.output as { until: string }).until) : new Date(now().getTime() + toMilliseconds(duration));
      await stepBarrier();
      if (!memo) await memos.save(id, { status: 'COMPLETED', output: { until: until.toISOString() } }, { startedAt: now(), durationMs: 0 });
      if (until.getTime() > now().getTime()) throw new SleepSignal(until);
    },
    sendEvent: async (id, events) => {
      claimStepId(id);
      const memo = await completed(id);
      if (memo) return memo.output as { ids: string[] };
      const list = Array.isArray(events) ? events : [events];
      await stepBarrier();
      const startedAt = now();
      const ids = await runInStep(id, () => input.dispatch(list, `step:${input.jobId}:${id}`));
      const output = { ids };
      saveBehind(id, { status: 'COMPLETED', output }, since(startedAt));
      return output;
    },
  };

  // No child bindings: the job's context (log-context.ts) puts jobId, definition, attempt and step on every line.
  const { logger } = input;
  const context = { jobId: input.jobId, definition: definition.id, attempt: input.attempt };
  const outcomeOfError = (error: unknown): ExecuteOutcome => {
    if (error instanceof SleepSignal) return { kind: 'sleep', until: error.until };
    if (error instanceof LeaseLostError) return { kind: 'lease-lost' };
    const description = describeError(error);
    const attemptsMade = input.attempt + 1;
    if (hasErrorCode(error, 'NON_RETRIABLE') || attemptsMade >= input.maxAttempts) {
      logger.error({ err: error }, 'job failed');
      return { kind: 'failed', error: description };
    }
    const at =
      hasErrorCode(error, 'RETRY_AFTER')
        ? (error as RetryAfterError).retryAt
        : new Date(now().getTime() + backoffDelayMs(attemptsMade, definition.backoff, input.random));
    logger.warn({ err: error, retryAt: at.toISOString() }, 'job attempt failed; will retry');
    return { kind: 'retry', error: description, at };
  };
  return runWithJobContext(context, async (): Promise<ExecuteOutcome> => {
    try {
      const output = toJson(await definition.handler({ event: input.event, step, attempt: input.attempt, jobId: input.jobId, logger }));
      if (input.handBackUnsavedMemos && unsaved.size) {
        // Never rejects: a memo that cannot be written turns the outcome into what its error makes it.
        const whenMemosWritten = memosDurable().then((): ExecuteOutcome => ({ kind: 'completed', output }), outcomeOfError);
        return { kind: 'completed', output, whenMemosWritten };
      }
      // A memo that fails to commit fails the attempt, as it did when each step awaited its own.
      await memosDurable();
      return { kind: 'completed', output };
    } catch (thrown) {
      // Whatever else the attempt did, the memos of its finished steps are written before it is recorded: a retry
      // must find them. If one of them is refused, the lease was lost and that outweighs the handler's error.
      const error = await memosDurable().then(
        () => thrown,
        (saveError: unknown) => (saveError instanceof LeaseLostError ? saveError : thrown),
      );
      return outcomeOfError(error);
    }
  });
}

/** What a value becomes once stored as a memo and read back: every provider hands steps' results through this. */
export function toJson(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}

/** Name, message and stack, as stored in last_error and step memos; without query parameters (redactError). */
export function describeError(error: unknown): string {
  const redacted = redactError(error);
  if (redacted instanceof Error) return redacted.stack ?? `${redacted.name}: ${redacted.message}`;
  return String(redacted);
}
