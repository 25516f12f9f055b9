/**
 * What the deployment's journeys consume, as ingest needs to know it; the journeys context
 * provides it (`journeyEventConsumers`), so ingest never depends on journeys.
 */
export interface EventConsumers {
  /** Events some journey triggers on: queued for Hatchet whoever the contact is. */
  readonly triggers: ReadonlySet<string>;
  /** Event name → the journeys whose `exitOn` lists it. */
  readonly exitRules: ReadonlyMap<string, readonly string[]>;
  /** Cancels the Hatchet runs of enrollments ingest ended. Never throws. */
  cancelRuns(runIds: string[]): Promise<unknown>;
}

/** A runtime without journeys: nothing triggers, nothing exits. */
export const noConsumers: EventConsumers = {
  triggers: new Set(),
  exitRules: new Map(),
  cancelRuns: async () => true,
};

/** Where Hogsend's own events come from: journeys (`journey:<id>`) and operators (`admin:<id>`). */
const SELF_EMITTED = ["journey:", "admin:"] as const;

/**
 * Whether an event from this source may end an enrollment (`exitOn`). What happens to the person
 * does: product events from the API (`api`), webhook sources (`webhook:<id>`) and email
 * engagement (`email`, including provider webhooks). What Hogsend itself says does not:
 * `ctx.trigger` and `journey.*` events (a run must not cancel itself, or a sibling, by what it
 * emits mid-step) and manual enrollments. The runtime and the journey test harness share this rule.
 */
export function exitCheckApplies(source: string): boolean {
  return !SELF_EMITTED.some((prefix) => source.startsWith(prefix));
}
