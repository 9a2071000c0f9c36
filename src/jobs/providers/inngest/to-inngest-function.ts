// Turns one of our definitions into an Inngest function with the same id, name, retries, concurrency and trigger,
// and our step API onto Inngest's, so a definition never knows which provider runs it. Inngest memoizes steps in
// its own executor; our errors become Inngest's so retry control means the same thing.
import {
  NonRetriableError as InngestNonRetriableError,
  RetryAfterError as InngestRetryAfterError,
  StepError,
  type Inngest,
} from 'inngest';
import { cronSlotKey, latestSlot } from '../../cron';
import { cronEventName, type JobDefinition, type RateRule, type StepTools } from '../../define';
import { hasErrorCode, type RetryAfterError } from '../../errors';
import { describeError, toJson } from '../../execute';
import type { JobLogger } from '../../logger';
import { runWithJobContext } from '../../log-context';
import type { JobRegistry } from '../../registry';
import type { FailedJobReport } from '../../failure-report';

export interface ToFunctionDeps {
  registry: JobRegistry;
  logger: JobLogger;
  onFailure(report: FailedJobReport): Promise<void>;
}

export function toInngestFunction(client: Inngest.Any, definition: JobDefinition, deps: ToFunctionDeps) {
  const cron = 'cron' in definition.trigger ? definition.trigger.cron : undefined;
  const maxAttempts = definition.retries + 1;
  return client.createFunction(
    {
      id: definition.id,
      name: definition.name,
      retries: definition.retries as never,
      concurrency: definition.concurrency ? { limit: definition.concurrency.limit, key: definition.concurrency.key } : undefined,
      // Inngest evaluates these itself: priority moves a run ahead in its function's backlog, cancelOn cancels a
      // waiting or sleeping run (and a running one between steps) when a matching event arrives.
      priority: cron ? undefined : { run: priorityExpression(definition.priority) },
      throttle: definition.throttle && toInngestRate(definition.throttle),
      rateLimit: definition.rateLimit && toInngestRate(definition.rateLimit),
      cancelOn: definition.cancelOn?.events.map((event) => ({ event, match: `data.${definition.cancelOn!.path.join('.')}` })),
      triggers: [cron ? { cron: `TZ=UTC ${cron}` } : { event: (definition.trigger as { event: string }).event }],
    },
    // Inngest calls the handler once per step; each call runs in the job's log context (log-context.ts).
    async ({ event, step, attempt, runId }) => {
      const context = { jobId: runId, definition: definition.id, attempt };
      return runWithJobContext(context, async () => {
        const { logger } = deps;
        try {
          const slot = cron ? (latestSlot(cron, new Date(event.ts ?? Date.now())) ?? new Date(event.ts ?? Date.now())) : undefined;
          const data = slot ? { scheduledFor: slot.toISOString() } : deps.registry.parsePayload(definition, withoutPriority(event.data));
          // event.id means the same on every provider: the dispatched id, or for a cron run its slot key.
          const eventId = slot ? cronSlotKey(definition.id, slot) : (event.id ?? runId);
          const tools: StepTools = {
            // JSON round trip inside the step: the handler gets exactly what the local and BullMQ providers return (and
            // what Inngest replays from its memo), not a Date on the first run and a string on the next.
            // Inngest's executor calls the step's function from its own loop, outside the handler's async context:
            // the step gets the context explicitly.
            run: (id, fn) => step.run(id, async () => toJson(await runWithJobContext({ ...context, step: id }, () => toInngestError(fn)))) as never,
            sleep: async (id, duration) => void (await step.sleep(id, typeof duration === 'number' ? duration : duration)),
            sendEvent: async (id, events) => {
              const list = Array.isArray(events) ? events : [events];
              deps.registry.validate(list);
              return step.sendEvent(id, list.map((e) => ({ name: e.name, data: e.data as Record<string, unknown> })));
            },
          };
          return await definition.handler({
            event: { name: cron ? cronEventName(definition.id) : event.name, data, id: eventId, ts: event.ts ?? Date.now() },
            step: tools,
            attempt,
            jobId: runId,
            logger,
          });
        } catch (error) {
          const converted = convertError(error);
          // Inngest's own rule (its engine's retriability()): the last attempt, a NonRetriableError, or a step that
          // already failed for good, replayed as a StepError (which takes the name of the step's error).
          const final = attempt >= maxAttempts - 1 || isNonRetriable(converted) || isStepError(error);
          if (final) {
            await deps
              .onFailure({ jobId: runId, definitionId: definition.id, eventName: event.name, error: describeError(error), attempts: attempt + 1 })
              .catch((reportError) => logger.error({ err: reportError }, 'failure hook failed'));
          }
          throw converted;
        }
      });
    },
  );
}

/** Inngest takes periods as strings; defineJob guarantees whole seconds. */
function toInngestRate(rule: RateRule) {
  return { limit: rule.limit, period: `${rule.periodMs / 1000}s` as const, key: rule.key };
}

/**
 * A dispatch's own priority travels in the event as `data.__priority` (an Inngest event has nowhere else to carry
 * it that an expression can read); without it the definition's priority applies. Handlers never see the field.
 */
export const DISPATCH_PRIORITY_FIELD = '__priority';

export function priorityExpression(definitionPriority: number): string {
  return `has(event.data.${DISPATCH_PRIORITY_FIELD}) ? event.data.${DISPATCH_PRIORITY_FIELD} : ${definitionPriority}`;
}

function withoutPriority(data: unknown): unknown {
  if (!data || typeof data !== 'object' || !(DISPATCH_PRIORITY_FIELD in data)) return data;
  const { [DISPATCH_PRIORITY_FIELD]: _priority, ...rest } = data as Record<string, unknown>;
  return rest;
}

async function toInngestError<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw convertError(error);
  }
}

function convertError(error: unknown): unknown {
  if (hasErrorCode(error, 'NON_RETRIABLE') || hasErrorCode(error, 'VALIDATION')) {
    return new InngestNonRetriableError(error.message, { cause: error });
  }
  if (hasErrorCode(error, 'RETRY_AFTER')) return new InngestRetryAfterError(error.message, (error as RetryAfterError).retryAt, { cause: error });
  return error;
}

/** By name too: the SDK checks the name, so an error from another copy of the class counts the same. */
function isNonRetriable(error: unknown): boolean {
  return error instanceof InngestNonRetriableError || (error instanceof Error && error.name === 'NonRetriableError');
}

/**
 * A step that already failed for good: Inngest replays its memoized error as a StepError, whose name is the step
 * error's own (`NonRetriableError`, `Error`), not `StepError`.
 */
function isStepError(error: unknown): boolean {
  return error instanceof StepError || (error instanceof Error && error.name === 'StepError');
}
