export type { CallSession, CallSessionEmployee, CallRecording, CallOutcome, LegStatus } from './call-session.ts';
export { applyEvent, sessionFromEvents, sessionFacts, MAX_EVENTS_PER_SESSION } from './apply-event.ts';
export type { ApplyResult } from './apply-event.ts';
export { deriveCallSession, canonicalOrder } from './derive.ts';
export { eventFingerprint, stableStringify } from './fingerprint.ts';
export {
  legStatuses,
  callOutcome,
  isFinished,
  isInternal,
  waitDurationSec,
  talkDurationSec,
  answeredEmployee,
  employeesWithStatus,
} from './views.ts';
