// Embedded PGlite on a thread of its own, behind the part of PGlite's interface that drizzle and
// pg-boss use (query, exec, transaction, listen, close).
//
// Why: PGlite executes every statement synchronously in WebAssembly, so on the main thread each one
// stalls HTTP intake and outgoing requests (in the pop-up benchmark the database was about half of
// the process's CPU, and single statements blocked the event loop for 10–170 ms). On its own thread
// it uses the second core and the main thread only waits for answers.
// The price is one message each way per statement (structured clone of parameters and rows).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { HousekeepingReport } from './housekeeping.ts';
import { LIVE, type Lane, type Request, type RequestBody, type Response, type WireError, type WireQueryOptions, type WorkerData } from './protocol.ts';

/** True while `asLiveDatabaseWork` runs the synchronous start of its function. */
let liveStart = false;

/**
 * Runs `fn` with the work it starts before its first `await` — a transaction (all of it, however
 * long it runs) or a statement — on the live lane: the embedded database runs that before any
 * background statement that is waiting (see worker.ts). A no-op on PostgreSQL.
 *
 * A flag for the synchronous start rather than an AsyncLocalStorage: the intake's transaction is
 * opened there (drizzle's `db.transaction` reaches `transaction` below synchronously), and an
 * AsyncLocalStorage turns on async hooks for every promise of the process — 5 % of what the main
 * thread allocated taking in UIS notifications, and time on every `await`.
 */
export function asLiveDatabaseWork<T>(fn: () => Promise<T>): Promise<T> {
  liveStart = true;
  try {
    return fn();
  } finally {
    liveStart = false;
  }
}

const laneNow = (): Lane | undefined => (liveStart ? LIVE : undefined);

/** The options drizzle passes: parsers that keep result types as text (identity functions only). */
export type QueryOptions = { rowMode?: 'array' | 'object'; parsers?: Record<number, (value: string, typeId: number) => unknown>; paramTypes?: number[] };
export type Results<T = Record<string, unknown>> = { rows: T[]; affectedRows?: number; fields: Array<{ name: string; dataTypeID: number }> };

export interface PGliteTransaction {
  query<T = Record<string, unknown>>(text: string, params?: unknown[], opts?: QueryOptions): Promise<Results<T>>;
  exec(text: string, opts?: QueryOptions): Promise<Results[]>;
  rollback(): Promise<void>;
  readonly closed: boolean;
}

type Pending = { resolve: (v: unknown) => void; reject: (e: unknown) => void };

/** A statement's failure as the thread reported it; made an Error where the caller awaits it. */
class WireFailure {
  constructor(readonly wire: WireError) {}
}

function wireOptions(opts: QueryOptions | undefined): WireQueryOptions | undefined {
  if (!opts) return undefined;
  const out: WireQueryOptions = {};
  if (opts.rowMode) out.rowMode = opts.rowMode;
  if (opts.paramTypes) out.paramTypes = opts.paramTypes;
  if (opts.parsers) {
    out.rawTypes = Object.entries(opts.parsers).map(([oid, parse]) => {
      // Functions cannot cross threads; the only parsers in use keep the text as it is.
      if (parse('0', Number(oid)) !== '0') throw new Error(`PGlite thread: parser for type ${oid} is not the identity`);
      return Number(oid);
    });
  }
  return out;
}

function toError(w: WireError): Error {
  const err = Object.assign(new Error(w.message), w.fields);
  err.name = w.name;
  const stack = err.stack;
  if (stack) err.stack = `${w.name}: ${w.message}\n${stack.split('\n').slice(1).join('\n')}`;
  return err;
}

export class ThreadedPGlite {
  private nextId = 1;
  private nextTx = 1;
  private nextSub = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<number, (payload: string) => void>();
  private failure: Error | undefined;
  private closing = false;
  private readonly failureListeners: Array<(err: Error) => void> = [];
  private readonly housekeepingListeners: Array<(report: HousekeepingReport) => void> = [];

  private constructor(private readonly worker: Worker) {
    worker.on('message', (m: Response) => this.receive(m));
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', (code) => this.fail(new Error(`embedded database thread exited (code ${code})`)));
    // Idle, the thread does not keep the process alive; while a statement runs it does.
    worker.unref();
  }

  /**
   * Starts the thread and PGlite in `dataDir` (a directory or `memory://`). `housekeepingIntervalMs`
   * sets how often the thread looks for tables to vacuum or analyse and for WAL to checkpoint,
   * `checkpointWalBytes` how much WAL makes a checkpoint (see housekeeping.ts; both for tests).
   */
  static async open(dataDir: string, opts: { housekeepingIntervalMs?: number; checkpointWalBytes?: number } = {}): Promise<ThreadedPGlite> {
    // A new cluster is created by a thread of its own, whose memory goes with it (see worker.ts).
    if (dataDir !== 'memory://' && !existsSync(join(dataDir, 'PG_VERSION'))) await ThreadedPGlite.start({ dataDir, initOnly: true });
    return ThreadedPGlite.start({ dataDir, ...opts });
  }

  private static async start(workerData: WorkerData): Promise<ThreadedPGlite> {
    // The thread's JavaScript allocates little (answers on their way out); V8's default young
    // generation (32 MB of semi-spaces here) stayed resident for nothing. 8 MB: ~10–15 MB less RSS
    // in the pop-up benchmark (three runs each, 496–506 vs 504–529 MB), collections stay cheap.
    const worker = new Worker(bootstrap(), { eval: true, workerData, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
    const client = new ThreadedPGlite(worker);
    worker.ref();
    // The thread answers id 0 once PGlite is ready (or with the reason it could not start).
    await new Promise((resolve, reject) => client.pending.set(0, { resolve, reject })).catch((e: unknown) => {
      throw e instanceof WireFailure ? toError(e.wire) : e;
    });
    if (workerData.initOnly) await worker.terminate();
    return client;
  }

  query<T = Record<string, unknown>>(text: string, params?: unknown[], opts?: QueryOptions): Promise<Results<T>> {
    return this.call({ op: 'query', text, params, opts: wireOptions(opts) }, laneNow()) as Promise<Results<T>>;
  }

  exec(text: string, opts?: QueryOptions): Promise<Results[]> {
    return this.call({ op: 'exec', text, opts: wireOptions(opts) }, laneNow()) as Promise<Results[]>;
  }

  /**
   * As PGlite's: COMMIT when `fn` resolves, ROLLBACK when it throws; other statements wait meanwhile.
   * BEGIN goes out with the transaction's first statement, not before it: the thread then runs
   * the two back to back instead of holding the connection open (and everyone else waiting) while
   * this thread builds that statement. A transaction that sends nothing sends nothing at all.
   * Nobody waits for BEGIN itself: the thread runs the transaction's statements after it.
   */
  async transaction<T>(fn: (tx: PGliteTransaction) => Promise<T>): Promise<T> {
    const id = this.nextTx++;
    // Decided now: BEGIN goes out later, with the first statement.
    const lane = laneNow();
    let began: Promise<unknown> | undefined;
    let closed = false;
    const send = (req: RequestBody) => {
      if (closed) throw new Error('Transaction is closed');
      if (!began) {
        began = this.call({ op: 'begin', tx: id }, lane);
        began.catch(() => {});
      }
      return this.call(req);
    };
    const end = async (commit: boolean) => {
      closed = true;
      if (!began) return;
      const ended = this.call({ op: 'end', tx: id, commit });
      ended.catch(() => {});
      await began; // a failed BEGIN is the reason
      await ended;
    };
    const tx: PGliteTransaction = {
      query: (text, params, opts) => send({ op: 'query', text, params, opts: wireOptions(opts), tx: id }) as never,
      exec: (text, opts) => send({ op: 'exec', text, opts: wireOptions(opts), tx: id }) as never,
      rollback: async () => {
        if (closed) throw new Error('Transaction is closed');
        await end(false);
      },
      get closed() {
        return closed;
      },
    };
    let result: T;
    try {
      result = await fn(tx);
    } catch (err) {
      // Roll back and report what `fn` threw, unless BEGIN itself failed: that is the reason.
      if (!closed) await end(false).catch(() => {});
      await began;
      throw err;
    }
    if (!closed) await end(true);
    return result;
  }

  /** LISTEN on `channel`; resolves to the function that stops listening. */
  async listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>> {
    const sub = this.nextSub++;
    this.listeners.set(sub, onPayload);
    await this.call({ op: 'listen', channel, sub });
    return async () => {
      this.listeners.delete(sub);
      await this.call({ op: 'unlisten', sub });
    };
  }

  /** `fn` is called once if the thread stops other than by `close` (every later statement fails). */
  onFailure(fn: (err: Error) => void): void {
    this.failureListeners.push(fn);
  }

  /** `fn` hears of every table the thread vacuumed or analysed (and of such a step that failed). */
  onHousekeeping(fn: (report: HousekeepingReport) => void): void {
    this.housekeepingListeners.push(fn);
  }

  async close(): Promise<void> {
    if (this.failure) return;
    this.closing = true;
    await this.call({ op: 'close' });
    await this.worker.terminate();
  }

  private async call(req: RequestBody, lane?: Lane): Promise<unknown> {
    try {
      return await this.post(req, lane);
    } catch (err) {
      // Made here, after the await, the error's stack names the statement's callers (V8's async
      // stack trace), at no cost until something fails. Capturing a stack with every statement
      // instead took ~2.7 % of the main thread in the pop-up benchmark's busiest seconds.
      throw err instanceof WireFailure ? toError(err.wire) : err;
    }
  }

  private post(req: RequestBody, lane?: Lane): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    if (this.pending.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...req, id, lane } satisfies Request);
    });
  }

  private receive(m: Response) {
    if ('notify' in m) {
      this.listeners.get(m.notify)?.(m.payload);
      return;
    }
    if ('housekeeping' in m) {
      for (const fn of this.housekeepingListeners) fn(m.housekeeping);
      return;
    }
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (this.pending.size === 0) this.worker.unref();
    if (m.ok) p.resolve(m.result);
    else p.reject(new WireFailure(m.error));
  }

  private fail(err: Error) {
    if (this.failure) return;
    this.failure = err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    if (!this.closing) for (const fn of this.failureListeners) fn(err);
  }
}

/**
 * The worker's entry script. The sources are TypeScript run through tsx, and a thread does not get
 * the loader of the main thread (whether from `--import tsx` or registered in bin/uis-moysklad.mjs),
 * so the thread registers it itself before importing ./worker.ts.
 */
function bootstrap(): string {
  const entry = new URL('./worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  return `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
}
