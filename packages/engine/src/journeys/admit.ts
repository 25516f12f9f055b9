import { entryHistory, getEmailPreferences, getJourneyConfig, type Queryable } from "@hogsend/db";
import type { PersonProperties } from "../platform/client.js";
import { type Admission, decideAdmission } from "./admission.js";
import type { JourneyDefinition } from "./define-journey.js";
import { personPropertiesFor } from "./person-conditions.js";

export type { Admission } from "./admission.js";

/**
 * The enrollment guards on first entry only, over what the database knows: the operator's
 * override, this user's entry history and their preferences; plus PostHog person properties
 * when trigger.where reads `person.*`. The decision itself is `decideAdmission`, shared with
 * the journey test harness.
 */
export async function admit(
  db: Queryable,
  journey: JourneyDefinition,
  input: {
    userKey: string;
    contactId: string;
    eventProperties: Record<string, unknown>;
    now: Date;
    /** client.persons; without it `person.*` properties are missing. */
    persons?: PersonProperties | undefined;
    /** The contact's PostHog distinct id (`distinctIdOf`). */
    distinctId?: string | undefined;
  },
): Promise<Admission> {
  const { meta } = journey;
  const [config, history, prefs, personProperties] = await Promise.all([
    getJourneyConfig(db, meta.id),
    entryHistory(db, input.userKey, meta.id),
    getEmailPreferences(db, input.contactId),
    input.distinctId ? personPropertiesFor(meta.trigger.where, input.persons, input.distinctId) : undefined,
  ]);
  return decideAdmission(meta, {
    configEnabled: config?.enabled,
    eventProperties: input.eventProperties,
    personProperties,
    entries: { count: history.count, latestStartedAt: history.latest?.startedAt },
    unsubscribedAll: prefs?.unsubscribedAll ?? false,
    now: input.now,
  });
}
