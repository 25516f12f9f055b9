import { type Condition, evaluateCondition } from "@hogsend/core";
import type { PersonProperties } from "../platform/client.js";

/** Conditions on `person.<property>` read PostHog person properties instead of event properties. */
export const PERSON_PREFIX = "person.";

/** Whether any condition reads a PostHog person property. */
export function referencesPerson(conditions: readonly Condition[] | undefined): boolean {
  return (conditions ?? []).some((c) => c.property.startsWith(PERSON_PREFIX));
}

/**
 * The person's properties, read only when the conditions reference `person.*` (so journeys
 * without them never call PostHog). Undefined without a persons reader, for an unknown person,
 * or when PostHog cannot be read.
 */
export async function personPropertiesFor(
  conditions: readonly Condition[] | undefined,
  persons: PersonProperties | undefined,
  distinctId: string,
): Promise<Record<string, unknown> | undefined> {
  if (!persons || !referencesPerson(conditions)) return undefined;
  return persons.getProperties(distinctId);
}

/**
 * `trigger.where`: `person.*` conditions over the person's properties (each one missing when
 * they are undefined, so `not_exists` holds and every comparison fails), the rest over the
 * event's properties. An empty list holds.
 */
export function evaluateTriggerConditions(
  conditions: readonly Condition[] | undefined,
  eventProperties: Record<string, unknown>,
  personProperties: Record<string, unknown> | undefined,
): boolean {
  return (conditions ?? []).every((condition) =>
    condition.property.startsWith(PERSON_PREFIX)
      ? evaluateCondition(
          { ...condition, property: condition.property.slice(PERSON_PREFIX.length) },
          personProperties ?? {},
        )
      : evaluateCondition(condition, eventProperties),
  );
}
