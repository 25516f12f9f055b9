import type { EnrollmentRead } from "@hogsend/db";
import { distinctIdOf } from "../ingest/identity.js";
import type { PersonProperties } from "../platform/client.js";
import { type Admission, decideAdmission } from "./admission.js";
import type { JourneyDefinition } from "./define-journey.js";
import { personPropertiesFor } from "./person-conditions.js";

export type { Admission } from "./admission.js";

/**
 * The enrollment guards on first entry only, over what the database knows (`readEnrollment`, one
 * statement: the operator's override, this user's entry history and their preferences), plus
 * PostHog person properties when trigger.where reads `person.*`. The decision itself is
 * `decideAdmission`, shared with the journey test harness.
 */
export async function admit(
  journey: JourneyDefinition,
  enrollment: EnrollmentRead,
  input: {
    eventProperties: Record<string, unknown>;
    now: Date;
    /** client.persons; without it `person.*` properties are missing. */
    persons?: PersonProperties | undefined;
  },
): Promise<Admission> {
  const { meta } = journey;
  const personProperties = await personPropertiesFor(
    meta.trigger.where,
    input.persons,
    distinctIdOf(enrollment.contact),
  );
  return decideAdmission(meta, {
    configEnabled: enrollment.configEnabled,
    eventProperties: input.eventProperties,
    personProperties,
    entries: enrollment.entries,
    unsubscribedAll: enrollment.unsubscribedAll,
    now: input.now,
  });
}
