import { evaluateConditions, parseDuration } from "@hogsend/core";
import { entryHistory, getEmailPreferences, getJourneyConfig, type Queryable } from "@hogsend/db";
import type { JourneyDefinition } from "./define-journey.js";

export type Admission = { ok: true; entryCount: number } | { ok: false; reason: string };

/**
 * The enrollment guards, in order, on first entry only: enabled (code, then the operator's
 * override), trigger.where, entry limit, global unsubscribe. "Already active" is the live
 * unique index, checked by the insert that follows.
 */
export async function admit(
  db: Queryable,
  journey: JourneyDefinition,
  input: { userKey: string; contactId: string; eventProperties: Record<string, unknown>; now: Date },
): Promise<Admission> {
  const { meta } = journey;
  const config = await getJourneyConfig(db, meta.id);
  const enabled = config?.enabled ?? meta.enabled;
  if (!enabled) return { ok: false, reason: config?.enabled === false ? "disabled by operator" : "disabled" };
  if (!evaluateConditions(meta.trigger.where, input.eventProperties))
    return { ok: false, reason: "trigger.where not met" };
  const history = await entryHistory(db, input.userKey, meta.id);
  if (meta.entryLimit === "once" && history.count > 0) return { ok: false, reason: "entry limit: once" };
  if (meta.entryLimit === "once_per_period" && history.latest && meta.entryPeriod) {
    const since = input.now.getTime() - parseDuration(meta.entryPeriod);
    if (history.latest.startedAt.getTime() > since)
      return { ok: false, reason: `entry limit: once per ${meta.entryPeriod}` };
  }
  const prefs = await getEmailPreferences(db, input.contactId);
  if (prefs?.unsubscribedAll) return { ok: false, reason: "globally unsubscribed" };
  return { ok: true, entryCount: history.count + 1 };
}
