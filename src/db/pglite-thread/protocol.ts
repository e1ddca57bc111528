// Messages between the main thread and the thread that runs embedded PGlite.
// Only structured-cloneable data crosses: no parser functions (see `WireQueryOptions`).
import type { HousekeepingReport } from './housekeeping.ts';

/** What the thread is started with. */
export type WorkerData = { dataDir: string; initOnly?: boolean; housekeepingIntervalMs?: number; checkpointWalBytes?: number };

/** Query options that can cross threads: result types listed in `rawTypes` are returned as text. */
export type WireQueryOptions = { rowMode?: 'array' | 'object'; rawTypes?: number[]; paramTypes?: number[] };

/** Live: someone waits for the answer now (intake commit, pop-up path); background: everything else. */
export type Lane = 'live' | 'background';
export const LIVE: Lane = 'live';

/** `lane` orders requests that are not part of an open transaction (see worker.ts). */
export type Request = RequestBody & { id: number; lane?: Lane };

export type RequestBody =
  | { op: 'query'; text: string; params?: unknown[]; opts?: WireQueryOptions; tx?: number }
  | { op: 'exec'; text: string; opts?: WireQueryOptions; tx?: number }
  /** Opens transaction `tx`; answered once BEGIN ran (other work waits for its end, as in PGlite). */
  | { op: 'begin'; tx: number }
  /** Ends transaction `tx` with COMMIT or ROLLBACK; answered when that finished. */
  | { op: 'end'; tx: number; commit: boolean }
  | { op: 'listen'; channel: string; sub: number }
  | { op: 'unlisten'; sub: number }
  | { op: 'close' };

/** An error as it crossed the thread boundary: message plus PostgreSQL's fields (code, detail, …). */
export type WireError = { name: string; message: string; fields: Record<string, string | number | boolean> };

export type Response =
  | { id: number; ok: true; result?: unknown }
  | { id: number; ok: false; error: WireError }
  | { notify: number; payload: string }
  /** The thread vacuumed or analysed a table (see housekeeping.ts). */
  | { housekeeping: HousekeepingReport };
