// A small Inngest executor for tests, since the Inngest dev server cannot be installed here. It plays the
// documented SDK protocol (inngest/inngest docs/SDK_SPEC.md; our notes in shared/reference/inngest-protocol.md):
// - as the Inngest API: accepts the SDK's sync (POST /fn/register) and events (POST /e/:key), deduplicating by
//   event id;
// - as the executor: for each event, runs every subscribed function by POSTing signed requests to the app's serve
//   handler, feeding back step results (StepRun/StepFailed memoized, StepError and 500 retried, Sleep waited out,
//   StepPlanned followed), honouring each function's retries and concurrency limit from its sync payload, its
//   priority.run (a backlog behind a concurrency limit is served higher priority first), its cancelOn (a matching
//   event cancels the function's runs that have not finished, checked between calls, as Inngest does), its throttle
//   (runs wait until the last period holds fewer than `limit` starts of their key) and its rateLimit (an event past
//   the limit of its key in the last period starts no run).
import { createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RunRecord {
  runId: string;
  fnId: string;
  eventId: string;
  status: 'RUNNING' | 'SLEEPING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';
  /** 1 + every retry of any step or of the handler. */
  attempts: number;
  /** When the executor let the run start (after its throttle, before its concurrency slot). */
  startedAt?: number;
  output?: unknown;
  error?: unknown;
}

interface FunctionConfig {
  id: string;
  triggers: Array<{ event?: string; cron?: string }>;
  /** One rule, or several (the SDK sends an object for one). */
  concurrency?: { limit: number; key?: string } | Array<{ limit: number; key?: string }>;
  steps: Record<string, { retries?: { attempts?: number } }>;
  priority?: { run?: string };
  throttle?: RateRule;
  rateLimit?: RateRule;
  /** cancelOn as the SDK syncs it: `match: 'data.x'` becomes `if: 'event.data.x == async.data.x'`. */
  cancel?: Array<{ event: string; if?: string }>;
}

interface Op {
  id: string;
  op: string;
  name?: string;
  data?: unknown;
  error?: unknown;
}

interface RateRule {
  limit: number;
  period: string;
  key?: string;
}

export interface FakeInngest {
  readonly url: string;
  readonly events: Array<{ id: string; name: string; data: unknown }>;
  readonly runs: RunRecord[];
  readonly functions: Map<string, FunctionConfig>;
  /** The app URL of every sync the SDK made (POST /fn/register), in order. */
  readonly registrations: string[];
  /**
   * Syncs the app as Inngest does from its dashboard: a signed PUT to the serve handler (unsigned ones are refused
   * in cloud mode). Returns the handler's answer.
   */
  sync(): Promise<Response>;
  /** Where the app serves its handler, e.g. http://127.0.0.1:1234/api/inngest. */
  setAppUrl(url: string): void;
  /** Sends a signed request as Inngest would, to any path of the app (for auth tests). */
  signedBody(body: unknown): { body: string; signature: string };
  close(): Promise<void>;
}

/** RFC 8785 canonical JSON for the values we exchange (objects, arrays, strings, integers, booleans, null). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * What anyone on the network can send: an unsigned PUT (sync) to the app's serve handler with a Host header of the
 * sender's choosing (node:http, since fetch will not send a chosen Host). Resolves to the status code.
 */
export function putUnsignedSync(appInngestUrl: string, host: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const request = http.request(appInngestUrl, { method: 'PUT', headers: { host } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
    request.end();
  });
}

export function signInngestBody(signingKey: string, canonicalBody: string, now = new Date()): string {
  const key = signingKey.replace(/^signkey-\w+-/, '');
  const t = Math.floor(now.getTime() / 1000);
  return `t=${t}&s=${createHmac('sha256', key).update(canonicalBody + t).digest('hex')}`;
}

export async function startFakeInngest(options: { signingKey: string; appId: string }): Promise<FakeInngest> {
  const events: FakeInngest['events'] = [];
  const runs: RunRecord[] = [];
  const functions = new Map<string, FunctionConfig>();
  const registrations: string[] = [];
  const seenEventIds = new Set<string>();
  const running = new Map<string, number>();
  const waiting = new Map<string, Array<{ priority: number; resolve: () => void }>>();
  const triggerData = new Map<RunRecord, unknown>();
  /** Start (throttle) and admission (rateLimit) times per function and key, for the sliding windows. */
  const windows = new Map<string, number[]>();
  const throttleQueues = new Map<string, Promise<number>>();
  let appUrl = '';

  const server = http.createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : undefined;
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (path === '/fn/register') {
      registrations.push((body as { url: string }).url);
      for (const fn of (body as { functions: FunctionConfig[] }).functions) functions.set(fn.id, fn);
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, modified: true }));
      return;
    }
    if (path.startsWith('/e/')) {
      const list = (Array.isArray(body) ? body : [body]) as Array<{ id?: string; name: string; data: unknown }>;
      const ids = list.map((event) => {
        const id = event.id ?? randomUUID();
        if (seenEventIds.has(id)) return id;
        seenEventIds.add(id);
        events.push({ id, name: event.name, data: event.data });
        cancelMatchingRuns(event);
        for (const fn of functions.values()) {
          if (!fn.triggers.some((trigger) => trigger.event === event.name)) continue;
          if (fn.rateLimit && !admit(`rate|${fn.id}|${keyValue(fn.rateLimit.key, event.data)}`, fn.rateLimit)) continue;
          void execute(fn, { ...event, id, ts: Date.now() });
        }
        return id;
      });
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ids, status: 200 }));
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function concurrencySlot(fn: FunctionConfig, data: unknown): string | undefined {
    const rule = firstRule(fn);
    if (!rule) return undefined;
    let value: unknown = { event: { data } };
    for (const part of (rule.key ?? '').split('.').filter(Boolean)) value = (value as Record<string, unknown> | undefined)?.[part];
    return `${fn.id}|${rule.key ? String(value) : ''}`;
  }

  async function acquire(fn: FunctionConfig, slot: string | undefined, priority: number): Promise<void> {
    if (!slot) return;
    const limit = firstRule(fn)!.limit;
    while ((running.get(slot) ?? 0) >= limit) {
      await new Promise<void>((resolve) => {
        const queue = waiting.get(slot) ?? [];
        // Higher priority first; equal priorities in arrival order.
        const at = queue.findIndex((entry) => entry.priority < priority);
        queue.splice(at === -1 ? queue.length : at, 0, { priority, resolve });
        waiting.set(slot, queue);
      });
    }
    running.set(slot, (running.get(slot) ?? 0) + 1);
  }

  function release(slot: string | undefined): void {
    if (!slot) return;
    running.set(slot, (running.get(slot) ?? 1) - 1);
    waiting.get(slot)?.shift()?.resolve();
  }

  /** Records an entry in the sliding window of `name` if the last period holds fewer than `limit`. */
  function admit(name: string, rule: RateRule): boolean {
    const now = Date.now();
    const recent = (windows.get(name) ?? []).filter((at) => at > now - sleepMs(rule.period));
    const admitted = recent.length < rule.limit;
    if (admitted) recent.push(now);
    windows.set(name, recent);
    return admitted;
  }

  /** Waits, in arrival order per key, until the function's throttle admits one more start; resolves to its time. */
  function throttled(fn: FunctionConfig, data: unknown): Promise<number> {
    const rule = fn.throttle;
    if (!rule) return Promise.resolve(Date.now());
    const name = `throttle|${fn.id}|${keyValue(rule.key, data)}`;
    const turn = (throttleQueues.get(name) ?? Promise.resolve(0)).then(async () => {
      while (!admit(name, rule)) {
        const oldest = windows.get(name)![0]!;
        await new Promise((resolve) => setTimeout(resolve, Math.max(1, oldest + sleepMs(rule.period) - Date.now())).unref());
      }
      return windows.get(name)!.at(-1)!;
    });
    throttleQueues.set(name, turn);
    return turn;
  }

  function cancelMatchingRuns(event: { name: string; data: unknown }): void {
    for (const fn of functions.values()) {
      for (const rule of fn.cancel ?? []) {
        if (rule.event !== event.name) continue;
        const match = matchedField(rule.if);
        for (const run of runs) {
          if (run.fnId !== fn.id || (run.status !== 'RUNNING' && run.status !== 'SLEEPING')) continue;
          const theirs = valueAt(triggerData.get(run), match);
          if (theirs !== undefined && theirs === valueAt(event.data, match)) run.status = 'CANCELLED';
        }
      }
    }
  }

  async function call(fn: FunctionConfig, stepId: string, payload: unknown): Promise<{ status: number; body: unknown }> {
    const canonical = canonicalJson(payload);
    const response = await fetch(`${appUrl}?fnId=${encodeURIComponent(fn.id)}&stepId=${encodeURIComponent(stepId)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-inngest-signature': signInngestBody(options.signingKey, canonical) },
      body: canonical,
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  async function execute(fn: FunctionConfig, event: { id: string; name: string; data: unknown; ts: number }): Promise<void> {
    const run: RunRecord = { runId: randomUUID(), fnId: fn.id, eventId: event.id, status: 'RUNNING', attempts: 1 };
    runs.push(run);
    triggerData.set(run, event.data);
    const maxAttempts = (fn.steps.step?.retries?.attempts ?? 3) + 1;
    const steps: Record<string, unknown> = {};
    const stack: string[] = [];
    let attempt = 0;
    const slot = concurrencySlot(fn, event.data);
    run.startedAt = await throttled(fn, event.data);
    await acquire(fn, slot, evaluatePriority(fn.priority?.run, event.data));
    try {
      let pending: string[] = ['step'];
      let guard = 0;
      while (pending.length && guard++ < 500) {
        if (isCancelled(run)) return;
        const target = pending.shift()!;
        const result = await call(fn, target, {
          event,
          events: [event],
          steps,
          ctx: {
            run_id: run.runId,
            attempt,
            max_attempts: maxAttempts,
            disable_immediate_execution: target !== 'step',
            use_api: false,
            stack: { stack, current: stack.length },
          },
          version: 2,
        });
        if (result.status === 200) {
          run.status = 'COMPLETED';
          run.output = result.body;
          return;
        }
        if (result.status === 206) {
          const ops = result.body as Op[];
          for (const op of ops) {
            if (op.op === 'StepRun' || op.op === 'Step') {
              steps[op.id] = { data: op.data ?? null };
              stack.push(op.id);
              attempt = 0;
            } else if (op.op === 'StepFailed') {
              steps[op.id] = { error: op.error };
              stack.push(op.id);
              attempt = 0;
            } else if (op.op === 'StepError') {
              attempt++;
              run.attempts++;
            } else if (op.op === 'Sleep') {
              run.status = 'SLEEPING';
              await new Promise((resolve) => setTimeout(resolve, sleepMs(op.name ?? '0')).unref());
              if (isCancelled(run)) return;
              run.status = 'RUNNING';
              steps[op.id] = null;
              stack.push(op.id);
            } else if (op.op === 'StepPlanned') {
              pending.push(op.id);
              continue;
            } else {
              throw new Error(`fake Inngest does not support op ${op.op}`);
            }
          }
          if (!pending.length || ops.some((op) => op.op !== 'StepPlanned')) pending = ['step'];
          continue;
        }
        if (result.status === 500) {
          if (attempt + 1 >= maxAttempts) {
            run.status = 'FAILED';
            run.error = result.body;
            return;
          }
          attempt++;
          run.attempts++;
          pending = ['step'];
          continue;
        }
        run.status = 'FAILED';
        run.error = result.body;
        return;
      }
    } catch (error) {
      run.status = 'FAILED';
      run.error = String(error);
    } finally {
      release(slot);
    }
  }

  return {
    url,
    events,
    runs,
    functions,
    registrations,
    setAppUrl: (value) => (appUrl = value),
    async sync() {
      const body = canonicalJson({});
      return fetch(appUrl, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'x-inngest-signature': signInngestBody(options.signingKey, body) },
        body,
      });
    },
    signedBody(body) {
      const canonical = canonicalJson(body);
      return { body: canonical, signature: signInngestBody(options.signingKey, canonical) };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A rule's `key` expression (`event.data.x`) against an event's data; '' without a key. */
function keyValue(expression: string | undefined, data: unknown): string {
  if (!expression) return '';
  let value: unknown = { event: { data } };
  for (const part of expression.split('.')) value = (value as Record<string, unknown> | undefined)?.[part];
  return String(value);
}

function isCancelled(run: RunRecord): boolean {
  return run.status === 'CANCELLED';
}

/** The field a cancel rule compares; only the `event.X == async.X` form the SDK writes for `match` is understood. */
function matchedField(condition: string | undefined): string {
  const parsed = /^event\.(data(?:\.\w+)+) == async\.(data(?:\.\w+)+)$/.exec(condition ?? '');
  if (!parsed || parsed[1] !== parsed[2]) throw new Error(`fake Inngest cannot evaluate cancel condition ${condition}`);
  return parsed[1]!;
}

/** `data.a.b` of an event's data, as a cancel rule reads it on both events. */
function valueAt(data: unknown, match: string): unknown {
  let value: unknown = { data };
  for (const part of match.split('.')) value = (value as Record<string, unknown> | undefined)?.[part];
  return value;
}

/**
 * The priority.run expressions our functions send, evaluated: a number, or `has(event.data.X) ? event.data.X : N`.
 * Anything else is refused, so a change in what the app sends cannot pass unnoticed.
 */
function evaluatePriority(expression: string | undefined, data: unknown): number {
  if (expression === undefined) return 0;
  if (/^-?\d+$/.test(expression)) return Number(expression);
  const match = /^has\(event\.data\.(\w+)\) \? event\.data\.(\w+) : (-?\d+)$/.exec(expression);
  if (!match || match[1] !== match[2]) throw new Error(`fake Inngest cannot evaluate priority.run ${expression}`);
  const value = (data as Record<string, unknown> | undefined)?.[match[1]!];
  return typeof value === 'number' ? value : Number(match[3]);
}

function firstRule(fn: FunctionConfig): { limit: number; key?: string } | undefined {
  return Array.isArray(fn.concurrency) ? fn.concurrency[0] : fn.concurrency;
}

/** Sleep ops carry their duration (or an ISO date) in `name`. */
function sleepMs(name: string): number {
  const date = Date.parse(name);
  if (!Number.isNaN(date) && /\d{4}-/.test(name)) return Math.max(0, date - Date.now());
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(name);
  if (!match) return 0;
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] ?? 'ms'] ?? 1;
  return Number(match[1]) * factor;
}
