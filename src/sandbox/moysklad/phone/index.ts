// MoySklad Phone API 1.0 emulator (sandbox). Other modules import only this file.
//
// PORT — implement `PhoneDirectory` over the sandbox store (see port.ts for field docs):
//   accountByPhoneKey(key)            → accountId | undefined   (Lognex-Phone-Auth-Token → account)
//   phoneSettings(accountId)          → { apiKey, providerUrl? } | undefined (click-to-call target + MD5 key)
//   employees(accountId)              → { id, href, name, extension?, uid?, email? }[]
//   counterpartyByPhone(accountId, n) → { id, href, name, ownerId? } | undefined  (call ↔ counterparty link)
//   counterpartyById(accountId, id)   → same, for an explicit `counterparty` meta
// Optional `intercept(ctx)` hook (latency / faults / counters) runs after auth+limits, before handlers.
//
// WIRING:
//   const phone = createPhoneSandbox({ directory, intercept?, phoneBaseUrl?, limits?, clickToCall? });
//   await app.register(phone.plugin, { prefix: '/api/phone/1.0' });
//   phone.visibleCards(acc, '101') · phone.cardHistory(acc, '101') · phone.calls(acc) · phone.duplicates(acc)
//   await phone.clickToCall(acc, '101', '+79990001122') · phone.renderPhoneInspectorHtml(acc)
export type {
  Intercept,
  InterceptContext,
  InterceptReply,
  PhoneAccountSettings,
  PhoneCounterparty,
  PhoneDirectory,
  PhoneEmployee,
  Stamp,
} from './port.ts';
export { stampNow } from './port.ts';
export { createPhoneSandbox, type PhoneSandbox, type PhoneSandboxOptions } from './sandbox.ts';
export { phoneApiPlugin, type PhonePluginDeps } from './plugin.ts';
export { PhoneState } from './phone-state.ts';
export { PhoneLimiter, type PhoneLimitOptions } from './limits.ts';
export type { CardEventRecord, VisibleCard } from './card-board.ts';
export type { StoredCall, CallWrite } from './call-store.ts';
export { EVENT_TYPES, type CardEventType } from './call-input.ts';
export { lognexContentMd5, MD5_VARIANTS, type ClickToCallAttempt, type ClickToCallBody, type Md5Variant } from './click-to-call.ts';
export { createMemoryPhoneDirectory, type MemoryPhoneAccount } from './memory-directory.ts';
export { parseMoment, formatMoment } from './moment.ts';
export { renderPhoneInspectorHtml } from './inspector-html.ts';
// Shared with the vendor emulator (same error body and wire rules).
export { PhoneApiError as MsApiError, msError, type MsErrorItem } from './errors.ts';
export { acceptsGzip, gzipOnSend, rawBodies, sendJson } from './wire.ts';
