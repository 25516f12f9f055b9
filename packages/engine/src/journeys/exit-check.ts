import { exitLiveStates } from "@hogsend/db";
import type { HogsendClient } from "../client.js";
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
 * Ends this user's live enrollments in every journey that exits on `event`, then cancels their
 * Hatchet runs. The state flips first, so a run that wakes before its cancel lands sees it ended.
 */
export async function runExitCheck(
  client: HogsendClient,
  rules: ExitRules,
  userKey: string,
  event: string,
): Promise<number> {
  const journeyIds = rules.get(event);
  if (!journeyIds) return 0;
  const exited = await exitLiveStates(client.db.db, userKey, journeyIds, `exitOn:${event}`);
  await cancelJourneyRuns(
    client,
    exited.map((s) => s.hatchetRunId),
  );
  return exited.length;
}

/**
 * Cancels the Hatchet runs of enrollments already marked ended. Never throws: the states are
 * ended first, and a run whose cancel did not land cannot re-open them (its state writes only
 * touch live states). Returns whether the engine accepted the cancel.
 */
export async function cancelJourneyRuns(client: HogsendClient, runIds: string[]): Promise<boolean> {
  if (runIds.length === 0) return true;
  try {
    await client.hatchet.runs.cancel({ ids: runIds });
    return true;
  } catch (err) {
    client.logger.warn("could not cancel exited journey runs", { error: (err as Error).message });
    return false;
  }
}
