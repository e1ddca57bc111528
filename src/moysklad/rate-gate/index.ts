// The per-principal MoySklad request gate over the database (DESIGN.md §8 "Per-account gate").
export { DbRateGate, type DbRateGateOptions } from './db-gate.ts';
export { GateBusyError, type GateBusyReason } from './errors.ts';
export {
  DEFAULT_RATE_GATE_LIMITS,
  backoffOffsetMs,
  decideRate,
  resolveLimits,
  takeParams,
  type ApiLimits,
  type LaneReserve,
  type RateParams,
  type RateState,
  type RateGateLimits,
  type RateGateLimitsInput,
  type TakeParams,
} from './limits.ts';
export { RateGateStore, type GateRow, type GateStore, type TakeResult } from './store.ts';
export { MemoryRateGateStore } from './memory-store.ts';
export { findGateBusy, gateWaitRetryDelayMs, rescheduleAfterGateWait, rescheduleOnGateBusy, rethrowAsReschedule, type GateWaits } from './reschedule.ts';
export { patientGate } from './patient-gate.ts';
