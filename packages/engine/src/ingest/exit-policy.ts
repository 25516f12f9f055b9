/**
 * Ends the contact's live enrollments in every journey whose `exitOn` lists this event, and
 * returns how many ended. The journeys context provides it; ingest only calls it, so ingest never
 * depends on journeys.
 */
export type ExitCheck = (contactId: string, eventName: string) => Promise<number>;

/** An exit check for a runtime without journeys. */
export const noExits: ExitCheck = async () => 0;

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
