// Counts and times every SQL statement this process sends through node-postgres, by wrapping pg.Client's query
// (every pool query and every transaction statement goes through one). Bench-only instrumentation: the app never
// loads this file.
import { performance } from 'node:perf_hooks';
import pg from 'pg';

export interface RecordedStatement {
  text: string;
  ms: number;
}

type Listener = (statement: RecordedStatement) => void;
const listeners = new Set<Listener>();
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  const original = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function wrapped(this: pg.Client, ...args: unknown[]) {
    const first = args[0];
    const text = typeof first === 'string' ? first : ((first as { text?: string } | undefined)?.text ?? '');
    const started = performance.now();
    const done = () => {
      const statement = { text, ms: performance.now() - started };
      for (const listener of listeners) listener(statement);
    };
    // pg-pool passes a callback; drizzle and our drivers await the promise. Time both forms.
    const last = args.at(-1);
    if (typeof last === 'function') {
      args[args.length - 1] = (...callbackArgs: unknown[]) => {
        done();
        return (last as (...a: unknown[]) => unknown)(...callbackArgs);
      };
      return original.apply(this, args);
    }
    const result = original.apply(this, args);
    if (result && typeof (result as Promise<unknown>).then === 'function') (result as Promise<unknown>).then(done, done);
    return result;
  } as typeof pg.Client.prototype.query;
}

/** Records statements matching `filter` until `stop()` is called. */
export function recordStatements(filter: (text: string) => boolean = () => true): { statements: RecordedStatement[]; stop(): void } {
  install();
  const statements: RecordedStatement[] = [];
  const listener: Listener = (statement) => {
    if (filter(statement.text)) statements.push(statement);
  };
  listeners.add(listener);
  return { statements, stop: () => void listeners.delete(listener) };
}
