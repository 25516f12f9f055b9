import { exitLiveStates } from "@hogsend/db";
import type { ExitCheck } from "../ingest/exit-policy.js";
import type { HogsendClient } from "../platform/client.js";
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
 * The exit check ingest runs for every event whose source allows it: ends this contact's live
 * enrollments in every journey that exits on the event, then cancels their Hatchet runs. The
 * state flips first, so a run that wakes before its cancel lands sees it ended. Built from all
 * the deployment's journeys, not only those this process runs: an api with no worker still ends
 * enrollments.
 */
export function createExitCheck(
  client: Pick<HogsendClient, "db" | "hatchet" | "logger">,
  journeys: JourneyDefinition[],
): ExitCheck {
  const rules = exitRulesOf(journeys);
  return async (contactId, eventName) => {
    const journeyIds = rules.get(eventName);
    if (!journeyIds) return 0;
    const exited = await exitLiveStates(client.db.db, contactId, journeyIds, `exitOn:${eventName}`);
    await cancelJourneyRuns(
      client,
      exited.map((s) => s.hatchetRunId),
    );
    return exited.length;
  };
}

/**
 * Cancels the Hatchet runs of enrollments already marked ended. Never throws: the states are
 * ended first, and a run whose cancel did not land cannot re-open them (its state writes only
 * touch live states). Returns whether the engine accepted the cancel.
 */
export async function cancelJourneyRuns(
  client: Pick<HogsendClient, "hatchet" | "logger">,
  runIds: string[],
): Promise<boolean> {
  if (runIds.length === 0) return true;
  try {
    await client.hatchet.runs.cancel({ ids: runIds });
    return true;
  } catch (err) {
    client.logger.warn("could not cancel exited journey runs", { error: (err as Error).message });
    return false;
  }
}
