export { createUisSimulator, DEFAULT_MIX } from './simulator.ts';
export type { UisSimulator, UisSimulatorOptions, TrafficOptions, TrafficResult, PlayResult, ScenarioMix } from './simulator.ts';
export { planCall, planEmployeeCall } from './call-scenarios.ts';
export type { CallOverrides, ScenarioWorld } from './call-scenarios.ts';
export { planChat } from './chat-scenarios.ts';
export { createUisRenderer } from './render.ts';
export type { RendererOptions } from './render.ts';
export { createSimRng } from './rng.ts';
export { arrivalOffsets } from './arrivals.ts';
export type { ArrivalPattern } from './arrivals.ts';
export type { SimRng } from './rng.ts';
export { CALL_SCENARIOS, CHAT_SCENARIOS, SCENARIOS, CHAT_EVENT_KEYS } from './types.ts';
export type {
  CallScenario,
  ChatScenario,
  ScenarioKind,
  ChatEventKey,
  SimEventKey,
  SimVars,
  PlannedEvent,
  PlannedCommunication,
  RenderedRequest,
  SimRenderer,
  CallTruth,
  ChatTruth,
  Truth,
  DeliveryRecord,
} from './types.ts';
