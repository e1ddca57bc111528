// One Phone API emulator instance: the Fastify plugin plus the in-process controls tests,
// benchmarks and the inspector use ("what does employee X see now", "employee X clicks number Y").
import type { FastifyPluginAsync } from 'fastify';
import type { CardEventRecord, VisibleCard } from './card-board.ts';
import type { StoredCall } from './call-store.ts';
import { postClickToCall, type ClickToCallAttempt, type Md5Variant } from './click-to-call.ts';
import { renderPhoneInspectorHtml } from './inspector-html.ts';
import { PhoneLimiter, type PhoneLimitOptions } from './limits.ts';
import { PhoneState } from './phone-state.ts';
import { phoneApiPlugin, type PhonePluginDeps } from './plugin.ts';
import type { PhoneDirectory } from './port.ts';

export interface PhoneSandboxOptions extends Omit<PhonePluginDeps, 'state' | 'limiter'> {
  directory: PhoneDirectory;
  limits?: PhoneLimitOptions;
  clickToCall?: { variant?: Md5Variant; timeoutMs?: number };
}

export interface PhoneSandbox {
  readonly state: PhoneState;
  /** Register with `{ prefix: '/api/phone/1.0' }`. */
  readonly plugin: FastifyPluginAsync;
  calls(accountId: string): StoredCall[];
  duplicates(accountId: string): { externalId: string; callIds: string[] }[];
  /** Cards employee `who` (employee id or extension) sees right now. */
  visibleCards(accountId: string, who: string): VisibleCard[];
  /** Every card event that touched `who` (or the whole account), with receive/apply stamps. */
  cardHistory(accountId: string, who?: string): CardEventRecord[];
  /** Resolves with the first card of `who` that satisfies `predicate` (now or later). */
  waitForCard(accountId: string, who: string, predicate?: (c: VisibleCard) => boolean, timeoutMs?: number): Promise<VisibleCard>;
  onCardEvent(listener: (r: CardEventRecord) => void): () => void;
  clickToCall(accountId: string, who: string, destNumber: string, opts?: { variant?: Md5Variant; timeoutMs?: number }): Promise<ClickToCallAttempt>;
  clickToCallLog(accountId?: string): ClickToCallAttempt[];
  setMd5Variant(variant: Md5Variant): void;
  renderPhoneInspectorHtml(accountId: string): string;
  reset(accountId?: string): void;
}

export function createPhoneSandbox(opts: PhoneSandboxOptions): PhoneSandbox {
  const state = new PhoneState(opts.directory);
  const limiter = new PhoneLimiter(opts.limits);
  const { directory, limits: _limits, clickToCall: c2c, ...pluginOpts } = opts;
  let variant: Md5Variant = c2c?.variant ?? 'key+src+dest+uid';
  const c2cLog: ClickToCallAttempt[] = [];

  const sandbox: PhoneSandbox = {
    state,
    plugin: phoneApiPlugin({ ...pluginOpts, state, limiter }),
    calls: (accountId) => state.calls.list(accountId).map((c) => structuredClone(c)),
    duplicates: (accountId) => state.calls.duplicates(accountId),
    visibleCards: (accountId, who) => state.board.visible(accountId, state.targetFor(accountId, who)),
    cardHistory: (accountId, who) =>
      state.board.historyFor(accountId, who === undefined ? undefined : state.targetFor(accountId, who)),
    waitForCard(accountId, who, predicate = () => true, timeoutMs = 5000) {
      const target = state.targetFor(accountId, who);
      const now = state.board.visible(accountId, target).find(predicate);
      if (now) return Promise.resolve(now);
      return new Promise((resolve, reject) => {
        const off = sandbox.onCardEvent((r) => {
          if (r.accountId !== accountId || !r.targets.includes(target)) return;
          const hit = state.board.visible(accountId, target).find(predicate);
          if (hit) {
            off();
            clearTimeout(timer);
            resolve(hit);
          }
        });
        const timer = setTimeout(() => {
          off();
          reject(new Error(`no matching call card for ${who} within ${timeoutMs} ms`));
        }, timeoutMs);
      });
    },
    onCardEvent(listener) {
      state.board.events.on('event', listener);
      return () => state.board.events.off('event', listener);
    },
    async clickToCall(accountId, who, destNumber, o = {}) {
      const settings = directory.phoneSettings(accountId);
      if (!settings?.providerUrl) throw new Error(`account ${accountId}: «Адрес провайдера телефонии» is not set`);
      const target = state.targetFor(accountId, who);
      const employee = state.employeeById(accountId, target);
      if (!employee?.extension) throw new Error(`account ${accountId}: employee ${who} has no extension`);
      const attempt = await postClickToCall({
        accountId,
        url: settings.providerUrl,
        key: settings.apiKey,
        body: { srcNumber: employee.extension, destNumber, uid: employee.uid ?? employee.email ?? '' },
        variant: o.variant ?? variant,
        timeoutMs: o.timeoutMs ?? c2c?.timeoutMs ?? 10_000,
      });
      c2cLog.push(attempt);
      return attempt;
    },
    clickToCallLog: (accountId) => c2cLog.filter((a) => accountId === undefined || a.accountId === accountId),
    setMd5Variant(v) {
      variant = v;
    },
    renderPhoneInspectorHtml: (accountId) => renderPhoneInspectorHtml(state, accountId),
    reset(accountId) {
      state.calls.clear(accountId);
      state.board.clear(accountId);
      if (accountId === undefined) c2cLog.length = 0;
    },
  };
  return sandbox;
}
