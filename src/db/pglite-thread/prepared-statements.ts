// Parameterised statements on the database thread, each parsed and planned once.
//
// PGlite's own `query` sends Parse, Describe, Bind, Describe, Execute and Sync as six separate
// calls into WebAssembly, with an unnamed statement that PostgreSQL parses, analyses and plans
// afresh every time. For the connector's statements (CTEs over `jsonb_to_recordset`, upserts over
// indexed tables) that planning costs more than running them: measured on this code's own inbox
// insert 0.52–0.76 ms per call through `query` against 0.28 ms here, and the batched call-session
// update 0.85 ms against 0.07 ms. Here a statement text is parsed once into a named prepared
// statement, and every later call is one call into WebAssembly (Bind, Describe, Execute, Sync).
//
// PostgreSQL re-plans a prepared statement by itself when a table it uses changes. The one change
// it cannot absorb is a different result shape ("cached plan must not change result type"): then
// the statement is dropped and, outside a transaction, run once more from scratch.
import { parse, protocol, type PGlite, type Results } from '@electric-sql/pglite';

/** A result parser for each type OID (PGlite's `pg.parsers` has this shape). */
export type CompleteParsers = PGlite['parsers'];

type Prepared = { name: string; paramTypes: number[] };

/**
 * `parsers` is the complete map, PGlite's own merged with the caller's overrides (see worker.ts):
 * given only the overrides, PGlite's result parser copies its ~300-entry map into a new object on
 * every call, which cost ~0.1 ms per statement, thirty times the parsing itself.
 */
export type PreparedQueryOptions = { rowMode?: 'array' | 'object'; paramTypes?: number[]; parsers: CompleteParsers };

/** Statements kept prepared; the least recently used beyond this is closed (its plan lives in WASM memory). */
const MAX_PREPARED = 200;

const { serialize } = protocol;

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export class PreparedStatements {
  private readonly prepared = new Map<string, Prepared>();
  private nextName = 1;

  constructor(private readonly pg: PGlite) {}

  async query(text: string, params: unknown[], opts: PreparedQueryOptions, { inTransaction }: { inTransaction: boolean }): Promise<Results> {
    try {
      return await this.run(text, params, opts);
    } catch (err) {
      if (!/cached plan must not change result type/i.test((err as Error).message)) throw err;
      await this.forget(text, opts);
      // Inside a transaction the failure has aborted it: the caller's retry is the transaction's.
      if (inTransaction) throw err;
      return this.run(text, params, opts);
    }
  }

  /**
   * A statement without parameters or rows (BEGIN, COMMIT, ROLLBACK) as one simple-protocol message,
   * answering its command tag ("COMMIT", or "ROLLBACK" for the COMMIT of a failed transaction).
   * PGlite's own `exec` takes its query lock and builds a result set for each: measured on the
   * intake, half of this thread's garbage (72 → 36 MB over 1 200 notifications); it collects every
   * ~0.25 s under 200 notifications/s, each collection a pause for whatever waits.
   */
  async command(text: string): Promise<string | undefined> {
    const { messages } = await this.pg.execProtocol(serialize.query(text), { syncToFs: false });
    let tag: string | undefined;
    for (const m of messages) if (m.name === 'commandComplete') tag = (m as { text?: string }).text;
    return tag;
  }

  private async run(text: string, params: unknown[], opts: PreparedQueryOptions): Promise<Results> {
    const statement = await this.statement(text, opts);
    const values = params.map((value, i) => {
      if (value === null || value === undefined) return null;
      const type = statement.paramTypes[i]!;
      const serializer = this.pg.serializers[type];
      return serializer ? serializer(value) : String(value);
    });
    const { messages } = await this.pg.execProtocol(
      concat([serialize.bind({ statement: statement.name, values }), serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync()]),
      { syncToFs: false },
    );
    return parse.parseResults(messages, opts.parsers, opts.rowMode ? { rowMode: opts.rowMode } : undefined)[0]!;
  }

  private async statement(text: string, opts: PreparedQueryOptions): Promise<Prepared> {
    const key = cacheKey(text, opts);
    const known = this.prepared.get(key);
    if (known) {
      // Map order is insertion order: moving it to the end keeps the least recently used first.
      this.prepared.delete(key);
      this.prepared.set(key, known);
      return known;
    }
    const name = `usm_${this.nextName++}`;
    const { messages } = await this.pg.execProtocol(
      concat([serialize.parse({ name, text, types: opts.paramTypes ?? [] }), serialize.describe({ type: 'S', name }), serialize.sync()]),
      { syncToFs: false },
    );
    const statement = { name, paramTypes: parse.parseDescribeStatementResults(messages) };
    this.prepared.set(key, statement);
    if (this.prepared.size > MAX_PREPARED) {
      const [oldestKey, oldest] = this.prepared.entries().next().value!;
      this.prepared.delete(oldestKey);
      await this.close(oldest.name);
    }
    return statement;
  }

  private async forget(text: string, opts: PreparedQueryOptions): Promise<void> {
    const key = cacheKey(text, opts);
    const statement = this.prepared.get(key);
    if (!statement) return;
    this.prepared.delete(key);
    await this.close(statement.name);
  }

  private async close(name: string): Promise<void> {
    await this.pg.execProtocol(concat([serialize.close({ type: 'S', name }), serialize.sync()]), { syncToFs: false });
  }
}

const cacheKey = (text: string, opts: PreparedQueryOptions) => (opts.paramTypes?.length ? `${opts.paramTypes.join(',')}|${text}` : text);
