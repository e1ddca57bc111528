// The MoySklad sandbox in a process of its own, for benchmarks where its work would otherwise
// share the connector's event loop: MoySklad is a remote service, and answering a 1 000-row page
// (filtering, sorting, serialising) is its CPU, not ours. Talked to over HTTP like any MoySklad;
// counters through its /__sandbox admin API.
import { fileURLToPath } from 'node:url';
import type { MoyskladSandboxOptions } from '../../src/sandbox/moysklad/index.ts';
import { startChild, stopChild } from './start-child.ts';

export type SandboxProcess = {
  baseJsonUrl: string;
  /** The first account's credentials and request weights. */
  account: { name: string; login: string; password: string; weights: { password: number } };
  resetCounters(): Promise<void>;
  counters(account: string): Promise<Record<string, { count: number; statuses: Record<string, number> }>>;
  close(): Promise<void>;
};

export async function startSandboxProcess(opts: MoyskladSandboxOptions): Promise<SandboxProcess> {
  const { child, out } = await startChild([fileURLToPath(new URL('./moysklad-sandbox-child.ts', import.meta.url)), JSON.stringify(opts)], {}, /^READY .*\n/m);
  const ready = JSON.parse(/^READY (.*)$/m.exec(out())![1]!) as { url: string; baseJsonUrl: string; account: SandboxProcess['account'] };
  const admin = `${ready.url}/__sandbox`;
  return {
    baseJsonUrl: ready.baseJsonUrl,
    account: ready.account,
    async resetCounters() {
      const res = await fetch(`${admin}/counters`, { method: 'DELETE' });
      if (!res.ok) throw new Error(`sandbox counters reset: ${res.status}`);
    },
    async counters(account) {
      const res = await fetch(`${admin}/counters?account=${encodeURIComponent(account)}`);
      if (!res.ok) throw new Error(`sandbox counters: ${res.status}`);
      return (await res.json()) as Awaited<ReturnType<SandboxProcess['counters']>>;
    },
    close: () => stopChild(child),
  };
}
