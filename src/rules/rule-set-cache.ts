// Rule sets as evaluations use them: parsed once per saved version and kept in process memory.
// Every evaluation's snapshot compares the stored version stamp with the one held here and carries
// the body only when they differ, so an edit made through any process counts from the next call.
import { defaultRuleSet, ruleSetSchema, type RuleSet } from './schema.ts';

const MAX_ENTRIES = 10_000;

/** Cached rule sets are shared by concurrent evaluations: frozen, so none can alter another's. */
function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

export class RuleSetCache {
  private readonly byIntegration = new Map<string, { stamp: string; ruleSet: RuleSet }>();
  private defaults: RuleSet | undefined;

  /** The stamp to hand to the snapshot (its body is then left out when still current). */
  stampOf(integrationId: string): string | undefined {
    return this.byIntegration.get(integrationId)?.stamp;
  }

  /**
   * The rule set a snapshot describes; undefined when the snapshot left the body out for a stamp
   * this cache no longer holds (a concurrent evaluation replaced it): the caller reads it in full.
   */
  resolve(integrationId: string, stamp: string | null, body: unknown): RuleSet | undefined {
    if (stamp === null) {
      this.byIntegration.delete(integrationId);
      return (this.defaults ??= deepFreeze(defaultRuleSet()));
    }
    const hit = this.byIntegration.get(integrationId);
    if (body === null || body === undefined) return hit?.stamp === stamp ? hit.ruleSet : undefined;
    const parsed = ruleSetSchema.safeParse(body);
    // A body saved by an older version that no longer parses falls back to defaults rather than acting wrongly.
    const ruleSet = parsed.success ? deepFreeze(parsed.data) : (this.defaults ??= deepFreeze(defaultRuleSet()));
    if (this.byIntegration.size >= MAX_ENTRIES && !hit) this.byIntegration.clear();
    this.byIntegration.set(integrationId, { stamp, ruleSet });
    return ruleSet;
  }
}
