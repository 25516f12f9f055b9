import type { EventConsumers } from "../ingest/exit-policy.js";
import type { HogsendClient } from "../platform/client.js";
import { withDeadline } from "../platform/deadline.js";
import type { JourneyDefinition } from "./define-journey.js";

/** event name → journeys that end on it. */
export type ExitRules = Map<string, string[]>;

export function exitRulesOf(journeys: JourneyDefinition[]): ExitRules {
  const rules: ExitRules = new Map();
  for (const journey of journeys) {
    for (const event of journey.meta.exitOn ?? [])
      rules.set(event, [...(rules.get(event) ?? []), journey.meta.id]);
  }
  return rules;
}

/**
 * What ingest must know of every journey of the deployment, not only those this process runs:
 * the trigger events (queued for Hatchet) and the exitOn rules (ingest ends the live enrollments
 * in the statement that stores the event, then cancels their runs), so an api with no worker
 * still ends enrollments and a worker that runs other journeys still queues their triggers.
 */
export function journeyEventConsumers(
  client: Pick<HogsendClient, "hatchet" | "logger">,
  journeys: JourneyDefinition[],
): EventConsumers {
  return {
    triggers: new Set(journeys.map((j) => j.meta.trigger.event)),
    exitRules: exitRulesOf(journeys),
    cancelRuns: (runIds) => cancelJourneyRuns(client, runIds),
  };
}

/** How long a cancel may take before the caller (an ingest request, an admin action) moves on. */
export const CANCEL_DEADLINE_MS = 5_000;

/**
 * Cancels the Hatchet runs of enrollments already marked ended. Never throws, and never waits
 * past `deadlineMs` on an engine that does not answer: the states are ended first, and a run
 * whose cancel did not land cannot re-open them (its state writes only touch live states).
 * Returns whether the engine accepted the cancel.
 */
export async function cancelJourneyRuns(
  client: {
    hatchet: { runs: Pick<HogsendClient["hatchet"]["runs"], "cancel"> };
    logger: HogsendClient["logger"];
  },
  runIds: string[],
  deadlineMs = CANCEL_DEADLINE_MS,
): Promise<boolean> {
  if (runIds.length === 0) return true;
  try {
    await withDeadline(client.hatchet.runs.cancel({ ids: runIds }), deadlineMs, "the Hatchet run cancel");
    return true;
  } catch (err) {
    client.logger.warn("could not cancel exited journey runs", { error: (err as Error).message });
    return false;
  }
}
