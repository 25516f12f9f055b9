import { entryHistory, getEmailPreferences, getJourneyConfig, type Queryable } from "@hogsend/db";
import { type Admission, decideAdmission } from "./admission.js";
import type { JourneyDefinition } from "./define-journey.js";

export type { Admission } from "./admission.js";

/**
 * The enrollment guards on first entry only, over what the database knows: the operator's
 * override, this user's entry history and their preferences. The decision itself is
 * `decideAdmission`, shared with the journey test harness.
 */
export async function admit(
  db: Queryable,
  journey: JourneyDefinition,
  input: { userKey: string; contactId: string; eventProperties: Record<string, unknown>; now: Date },
): Promise<Admission> {
  const { meta } = journey;
  const [config, history, prefs] = await Promise.all([
    getJourneyConfig(db, meta.id),
    entryHistory(db, input.userKey, meta.id),
    getEmailPreferences(db, input.contactId),
  ]);
  return decideAdmission(meta, {
    configEnabled: config?.enabled,
    eventProperties: input.eventProperties,
    entries: { count: history.count, latestStartedAt: history.latest?.startedAt },
    unsubscribedAll: prefs?.unsubscribedAll ?? false,
    now: input.now,
  });
}
