// The call pipeline (issue 5): UIS notifications → call sessions → MoySklad call log and pop-up cards.
export { createCallPipeline, type CallPipeline, type CallPipelineDeps } from './pipeline.ts';
export { sameExtensionMap, type ExtensionMap, type UisEmployeeRef } from './extension-map.ts';
export { RECONCILE_CALL_JOB, RESUME_CALLS_JOB, SWEEP_CALLS_JOB, reconcileKey, type ReconcileCallData } from './jobs.ts';
export { CallReconciler, type ReconcileOutcome } from './reconciler.ts';
export { CallStore } from './call-store.ts';
export { desiredCall, type DesiredCall, type CallSettings } from './desired.ts';
export { planStep, numberEvents, type Step, type PlannedEvent } from './plan.ts';
export { callComment, formatSeconds } from './comment.ts';
export { emptyPushed, type PushedState, type CardState } from './pushed-state.ts';
export { callPipelineFor } from './runtime.ts';
