// Rules (issue 6): counterparties, orders, tasks and extra fields from calls and chats.
export { scheduleRulesEvaluations, type RulesTrigger, rulesEvaluateJob, RULES_EVALUATE_JOB, evaluateKey } from './jobs.ts';
export { rulesEvaluatorFor, rulesJobs } from './module.ts';
export { RulesEvaluator, type EvaluateData, type EvaluateOutcome, type EvaluatorDeps } from './evaluate.ts';
export { RulesStore, type Snapshot, type WriteBatch, type BatchReads, type Applied } from './store.ts';
export { RuleSetCache } from './rule-set-cache.ts';
export { CredentialCache } from './credential-cache.ts';
export { EvaluationWrites } from './writes.ts';
export { previewRules, sampleSchema, sampleCommunication, type Sample, type PreviewAction } from './preview.ts';
export { planActions, applyOrderOverride, taskDueAt, fieldSource, type Plan, type PlannedField } from './plan.ts';
export { failedConditions, exclusionOf, type EvalContext } from './conditions.ts';
export { isWithinWorkingHours, nextWorkingStart, zonedInstant, localParts } from './working-hours.ts';
export { renderTemplate, templateVars, displayPhone, summaryOf } from './template.ts';
export { fromCallSession, commKey, ATTRIBUTION_KEYS, type Communication, type Channel, type Attribution, type CommEmployee } from './communication.ts';
export { registerCommunicationLoader, type CommunicationLoader } from './loaders.ts';
export { msUiLink } from './links.ts';
export { counterpartySyncId, orderSyncId, stableUuid } from './ids.ts';
export {
  ruleSetSchema,
  ruleSchema,
  ruleSettingsSchema,
  defaultRuleSet,
  type RuleSet,
  type RuleSetInput,
  type Rule,
  type RuleSettings,
  type Conditions,
  type CounterpartyAction,
  type OrderAction,
  type TaskAction,
  type FieldMapping,
  type WorkingHours,
} from './schema.ts';
