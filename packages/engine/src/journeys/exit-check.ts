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
  if (exited.length > 0) {
    try {
      await client.hatchet.runs.cancel({ ids: exited.map((s) => s.hatchetRunId) });
    } catch (err) {
      // The states are already exited; a run that wakes finds that and stops.
      client.logger.warn("could not cancel exited journey runs", { error: (err as Error).message });
    }
  }
  return exited.length;
}
