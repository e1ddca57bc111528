// Shared setup for the rate-gate contract tests: one database, two gate "processes" over it.
import { randomUUID } from 'node:crypto';
import { openDatabase, runMigrations, type Database } from '../../src/db/index.ts';
import { createThrowawayDatabase } from '../helpers/postgres.ts';

export type DbKind = 'pglite' | 'postgres';

/** Two handles on one database: on PostgreSQL two separate pools (as two processes would have). */
export async function openShared(kind: DbKind): Promise<{ a: Database; b: Database; close(): Promise<void> }> {
  if (kind === 'pglite') {
    const a = await openDatabase({ dataDir: 'memory://' });
    await runMigrations(a);
    return { a, b: a, close: () => a.close() };
  }
  const throwaway = await createThrowawayDatabase();
  const a = await openDatabase({ databaseUrl: throwaway.url, dataDir: 'unused', poolSize: 6 });
  await runMigrations(a);
  const b = await openDatabase({ databaseUrl: throwaway.url, dataDir: 'unused', poolSize: 6 });
  return {
    a,
    b,
    async close() {
      await a.close();
      await b.close();
      await throwaway.drop();
    },
  };
}

export const principal = (tag: string) => `acc-${randomUUID().slice(0, 8)}:${tag}`;

export const okResponse = () => new Response('{}', { status: 200 });

/** Most events inside any window of `windowMs` (times in ms, any order). */
export function maxInWindow(times: number[], windowMs: number): number {
  const t = [...times].sort((x, y) => x - y);
  let best = 0;
  for (let i = 0, j = 0; j < t.length; j++) {
    while ((t[j] ?? 0) - (t[i] ?? 0) >= windowMs) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
