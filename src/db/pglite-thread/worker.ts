// The thread that owns embedded PGlite. PostgreSQL compiled to WebAssembly runs synchronously
// while it executes a statement; here that blocks this thread, not the main one, so HTTP intake and
// outgoing requests keep the other core while the database works (see ./client.ts).
//
// PGlite has one connection, so this thread runs one request at a time, and while a transaction is
// open only that transaction's statements. Which request goes next is decided here: the oldest of
// the live lane (what someone is waiting for: an intake commit, a pop-up) before the oldest of the
// background lane (queue polls, rules, batched flushes). A live commit then waits for at most the
// one background statement already running, not for the whole backlog.
//
// Parameterised statements are prepared once (./prepared-statements.ts), and the thread does
// autovacuum's job between requests (./housekeeping.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, type QueryOptions } from '@electric-sql/pglite';
import { Housekeeping, HOUSEKEEPING_INTERVAL_MS } from './housekeeping.ts';
import { PreparedStatements, type CompleteParsers, type PreparedQueryOptions } from './prepared-statements.ts';
import { LIVE, type Request, type Response, type WireError, type WireQueryOptions, type WorkerData } from './protocol.ts';

const port = parentPort!;
const { dataDir, initOnly, housekeepingIntervalMs = HOUSEKEEPING_INTERVAL_MS, checkpointWalBytes } = workerData as WorkerData;

const keepText = (value: string) => value;
const BACKGROUND_MAX_WAIT_MS = 50;

/** PGlite's parsers with `rawTypes` kept as text, built once per distinct list (see PreparedQueryOptions). */
const completeParsers = new Map<string, CompleteParsers>();

function parsersFor(pg: PGlite, rawTypes: number[] | undefined): CompleteParsers {
  if (!rawTypes?.length) return pg.parsers;
  const key = rawTypes.join(',');
  let parsers = completeParsers.get(key);
  if (!parsers) {
    parsers = { ...pg.parsers, ...Object.fromEntries(rawTypes.map((oid) => [oid, keepText])) };
    completeParsers.set(key, parsers);
  }
  return parsers;
}

function preparedOptions(pg: PGlite, opts: WireQueryOptions | undefined): PreparedQueryOptions {
  const out: PreparedQueryOptions = { parsers: parsersFor(pg, opts?.rawTypes) };
  if (opts?.rowMode) out.rowMode = opts.rowMode;
  if (opts?.paramTypes) out.paramTypes = opts.paramTypes;
  return out;
}

/** For `pg.exec` (rare: queue polls, BEGIN/COMMIT), which merges `parsers` into its own itself. */
function execOptions(pg: PGlite, opts: WireQueryOptions | undefined): QueryOptions | undefined {
  if (!opts) return undefined;
  const { parsers, ...rest } = preparedOptions(pg, opts);
  return opts.rawTypes?.length ? { ...rest, parsers } : rest;
}

function wireError(err: unknown): WireError {
  const e = err instanceof Error ? err : new Error(String(err));
  const fields: WireError['fields'] = {};
  for (const [k, v] of Object.entries(e)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') fields[k] = v;
  }
  return { name: e.name, message: e.message, fields };
}

const send = (msg: Response) => port.postMessage(msg);

/** Work this thread gives itself (one housekeeping step), queued on the background lane. */
type Own = { op: 'housekeeping'; id: -1 };
type Work = Request | Own;

/**
 * `shared_buffers`: PostgreSQL's page cache inside the WebAssembly memory, which only grows: the
 * default 128 MB ends up resident once the hot tables passed through it. The data directory is on
 * disk and the operating system caches it too, so a smaller pool costs little and keeps `serve`
 * within its memory target.
 *
 * `default_statistics_target`: how many rows ANALYZE samples (300 × this). Housekeeping's ANALYZE
 * holds this thread while it runs, and every statement waiting meanwhile (a notification's insert
 * among them) is answered that much later: on a 40 000-row inbox 100 ms at the default 100, 22 ms
 * at 10, 3 ms at 1. Our statements look rows up by key or by indexed filters; what they need from
 * ANALYZE is the table's size (so a plan prepared on a near-empty table is replaced by one that
 * uses the index), which a 300-row sample gives as well as a 3 000-row one.
 *
 * `wal_init_zero = off`: PostgreSQL fills each new 16 MB WAL segment with zeros before writing to
 * it, inside the COMMIT that crosses into it: ~55 ms on this thread every 16 MB of WAL (a few
 * thousand notifications), measured as the worst intake answers. Off, the segment is created by
 * writing its last byte; with `fsync` off (PGlite's -F) the zeros bought no durability anyway.
 */
const SETTINGS = ['shared_buffers = 32MB', 'default_statistics_target = 1', 'wal_init_zero = off'].join('\n');

async function main() {
  const pg = await PGlite.create({ dataDir, postgresqlconf: SETTINGS });
  if (initOnly) {
    // Creating the cluster (initdb) grows the WebAssembly memory to several hundred MB, and it
    // never shrinks: the client runs it on a thread of its own and then starts this one afresh.
    await pg.close();
    send({ id: 0, ok: true });
    port.close();
    return;
  }
  const prepared = new PreparedStatements(pg);
  const housekeeping = new Housekeeping(pg, (report) => send({ housekeeping: report }), checkpointWalBytes);
  const subs = new Map<number, () => Promise<void>>();
  const lanes: Work[][] = [[], []];
  const arrived = new WeakMap<Work, number>();
  /** The open transaction and its statements waiting to run. */
  let open: { tx: number; waiting: Request[] } | undefined;
  /** Statements sent for transactions whose BEGIN has not run yet (the client does not wait for it). */
  const early = new Map<number, Request[]>();
  let busy = false;

  const queueBackground = (w: Work) => {
    arrived.set(w, performance.now());
    lanes[1]!.push(w);
    schedule();
  };

  const run = async (m: Work): Promise<unknown> => {
    switch (m.op) {
      case 'housekeeping': {
        const step = housekeeping.nextStep();
        if (!step) return undefined;
        await step();
        // One step per turn: whatever waits meanwhile goes first.
        queueBackground({ op: 'housekeeping', id: -1 });
        return undefined;
      }
      case 'query':
        return prepared.query(m.text, m.params ?? [], preparedOptions(pg, m.opts), { inTransaction: open !== undefined });
      case 'exec':
        return pg.exec(m.text, execOptions(pg, m.opts));
      case 'begin': {
        const waiting = early.get(m.tx) ?? [];
        early.delete(m.tx);
        try {
          await prepared.command('BEGIN');
        } catch (err) {
          for (const w of waiting) send({ id: w.id, ok: false, error: wireError(new Error(`transaction ${m.tx} did not begin`)) });
          throw err;
        }
        open = { tx: m.tx, waiting };
        return undefined;
      }
      case 'end': {
        open = undefined;
        const tag = await prepared.command(m.commit ? 'COMMIT' : 'ROLLBACK');
        // COMMIT of a transaction that had failed is answered "ROLLBACK" by PostgreSQL.
        if (m.commit && tag === 'ROLLBACK') throw new Error('transaction was rolled back: a statement in it failed');
        return undefined;
      }
      case 'listen':
        subs.set(m.sub, await pg.listen(m.channel, (payload) => send({ notify: m.sub, payload })));
        return undefined;
      case 'unlisten':
        await subs.get(m.sub)?.();
        subs.delete(m.sub);
        return undefined;
      case 'close':
        clearInterval(housekeepingTimer);
        await pg.close();
        return undefined;
    }
  };

  // A background request that has waited this long goes next even with live work waiting, so a
  // sustained stream of commits cannot starve queue polls and caches (which live work needs too).
  const next = (): Work | undefined => {
    if (open) return open.waiting.shift();
    const oldest = lanes[1]![0];
    if (oldest && performance.now() - arrived.get(oldest)! > BACKGROUND_MAX_WAIT_MS) return lanes[1]!.shift();
    return lanes[0]!.shift() ?? lanes[1]!.shift();
  };

  // Choosing waits for a turn of the event loop, so that every message that arrived while the last
  // statement ran has been received and the live lane is seen before a background one is taken.
  let scheduled = false;
  const schedule = () => {
    if (scheduled || busy) return;
    scheduled = true;
    setImmediate(pump);
  };
  const pump = () => {
    scheduled = false;
    if (busy) return;
    const m = next();
    if (!m) return;
    busy = true;
    run(m)
      .then(
        (result) => m.id >= 0 && send({ id: m.id, ok: true, result }),
        (err) => m.id >= 0 && send({ id: m.id, ok: false, error: wireError(err) }),
      )
      .finally(() => {
        busy = false;
        if (m.op === 'close') port.close();
        else schedule();
      });
  };

  port.on('message', (m: Request) => {
    const tx = m.op !== 'begin' && 'tx' in m ? m.tx : undefined;
    if (tx === undefined) {
      arrived.set(m, performance.now());
      lanes[m.lane === LIVE ? 0 : 1]!.push(m);
    }
    else if (open && open.tx === tx) open.waiting.push(m);
    else {
      const waiting = early.get(tx);
      if (waiting) waiting.push(m);
      else early.set(tx, [m]);
    }
    schedule();
  });
  const housekeepingTimer = setInterval(() => {
    if (housekeeping.startRound()) queueBackground({ op: 'housekeeping', id: -1 });
  }, housekeepingIntervalMs);
  send({ id: 0, ok: true });
}

main().catch((err) => send({ id: 0, ok: false, error: wireError(err) }));
