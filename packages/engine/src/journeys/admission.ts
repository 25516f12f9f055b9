import { parseDuration } from "@hogsend/core";
import type { JourneyMeta } from "./define-journey.js";
import { evaluateTriggerConditions } from "./person-conditions.js";

export type Admission = { ok: true; entryCount: number } | { ok: false; reason: string };

/**
 * What the enrollment guards look at, gathered by the caller: from the database at runtime
 * (`admit`), from memory in the journey test harness. Keeping the decision pure is what lets
 * both agree.
 */
export interface AdmissionFacts {
  /** The operator's override (journey_configs.enabled); null or undefined: the code's `enabled` stands. */
  configEnabled: boolean | null | undefined;
  /** Properties of the event that triggered this run. */
  eventProperties: Record<string, unknown>;
  /**
   * PostHog person properties, for `person.*` conditions in trigger.where; undefined (persons not
   * configured, unknown person, PostHog unreadable): every `person.*` property is missing.
   */
  personProperties?: Record<string, unknown> | undefined;
  /** This user's earlier enrollments in this journey: how many, and when the latest started. */
  entries: { count: number; latestStartedAt: Date | undefined };
  /** Globally unsubscribed (email_preferences.unsubscribed_all); no preferences row means false. */
  unsubscribedAll: boolean;
  now: Date;
}

/**
 * The enrollment guards, in order: enabled (code, then the operator's override), trigger.where,
 * entry limit, global unsubscribe. "Already active" is not decided here: at runtime the live
 * unique index refuses the insert that follows an admission.
 */
export function decideAdmission(meta: JourneyMeta, facts: AdmissionFacts): Admission {
  const enabled = facts.configEnabled ?? meta.enabled;
  if (!enabled)
    return { ok: false, reason: facts.configEnabled === false ? "disabled by operator" : "disabled" };
  if (!evaluateTriggerConditions(meta.trigger.where, facts.eventProperties, facts.personProperties))
    return { ok: false, reason: "trigger.where not met" };
  const { count, latestStartedAt } = facts.entries;
  if (meta.entryLimit === "once" && count > 0) return { ok: false, reason: "entry limit: once" };
  if (meta.entryLimit === "once_per_period" && latestStartedAt && meta.entryPeriod) {
    const since = facts.now.getTime() - parseDuration(meta.entryPeriod);
    if (latestStartedAt.getTime() > since)
      return { ok: false, reason: `entry limit: once per ${meta.entryPeriod}` };
  }
  if (facts.unsubscribedAll) return { ok: false, reason: "globally unsubscribed" };
  return { ok: true, entryCount: count + 1 };
}
