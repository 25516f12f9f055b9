import type { JourneyMeta } from "./define-journey.js";

/**
 * The event a manual enrollment stores. No journey triggers on it, so it is stored only (`skipped`):
 * the run started here for it, of the one named journey, is the only one that sees it.
 */
export const MANUAL_ENROLLMENT_EVENT = "journey.manual_enrollment";

/** Run metadata naming who enrolled a contact by hand: only a manual enrollment's run carries it. */
export const ENROLLED_BY_METADATA = "enrolledBy";

/**
 * The name of the event that started a run, known without reading the event back: a manual
 * enrollment's own event, else the journey's trigger (the only event its task subscribes to).
 */
export function triggerEventName(meta: Pick<JourneyMeta, "trigger">, runMetadata: Record<string, unknown>) {
  return runMetadata[ENROLLED_BY_METADATA] === undefined ? meta.trigger.event : MANUAL_ENROLLMENT_EVENT;
}
