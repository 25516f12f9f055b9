import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { Queryable } from "../client.js";
import {
  JOURNEY_STATUSES,
  type JourneyState,
  type JourneyStatus,
  journeyConfigs,
  journeyLogs,
  journeyStates,
} from "../schema/journeys.js";
import { afterCursor, cursorText, type KeysetCursor, type Page, toPage } from "./pagination.js";

export type JourneyConfig = typeof journeyConfigs.$inferSelect;
export type JourneyLog = typeof journeyLogs.$inferSelect;
export type JourneyStatusCounts = Record<JourneyStatus, number>;

export interface ListJourneyStatesOptions {
  limit: number;
  cursor?: KeysetCursor | undefined;
  journeyId?: string | undefined;
  userKey?: string | undefined;
  status?: JourneyStatus | undefined;
}

/** Enrollments, newest first, keyset-paginated on (started_at, id). */
export async function listJourneyStates(
  db: Queryable,
  options: ListJourneyStatesOptions,
): Promise<Page<JourneyState>> {
  const rows = await db
    .select({ row: journeyStates, cursorAt: cursorText(journeyStates.startedAt) })
    .from(journeyStates)
    .where(
      and(
        options.journeyId === undefined ? undefined : eq(journeyStates.journeyId, options.journeyId),
        options.userKey === undefined ? undefined : eq(journeyStates.userKey, options.userKey),
        options.status === undefined ? undefined : eq(journeyStates.status, options.status),
        afterCursor(journeyStates.startedAt, journeyStates.id, options.cursor),
      ),
    )
    .orderBy(desc(journeyStates.startedAt), desc(journeyStates.id))
    .limit(options.limit + 1);
  return toPage(rows, options.limit);
}

const zeroCounts = (): JourneyStatusCounts =>
  Object.fromEntries(JOURNEY_STATUSES.map((s) => [s, 0])) as JourneyStatusCounts;

/** Enrollments per status for each journey; a journey without any gets all zeros. */
export async function countJourneyStates(
  db: Queryable,
  journeyIds: string[],
): Promise<Map<string, JourneyStatusCounts>> {
  const counts = new Map(journeyIds.map((id) => [id, zeroCounts()]));
  if (journeyIds.length === 0) return counts;
  const rows = await db
    .select({
      journeyId: journeyStates.journeyId,
      status: journeyStates.status,
      n: sql<number>`count(*)::int`,
    })
    .from(journeyStates)
    .where(inArray(journeyStates.journeyId, journeyIds))
    .groupBy(journeyStates.journeyId, journeyStates.status);
  for (const row of rows) {
    const forJourney = counts.get(row.journeyId);
    if (forJourney && row.status in forJourney) forJourney[row.status] = row.n;
  }
  return counts;
}

/** The operator overrides of these journeys, by journey id. */
export async function listJourneyConfigs(
  db: Queryable,
  journeyIds: string[],
): Promise<Map<string, JourneyConfig>> {
  if (journeyIds.length === 0) return new Map();
  const rows = await db.select().from(journeyConfigs).where(inArray(journeyConfigs.journeyId, journeyIds));
  return new Map(rows.map((row) => [row.journeyId, row]));
}

/**
 * One enrollment of this journey with its log lines, oldest first (the order they happened in),
 * at most `logLimit`; `moreLogs` says some were left off. Undefined when the journey has no such
 * enrollment, so another journey's path cannot reach it.
 */
export async function journeyStateWithLogs(
  db: Queryable,
  journeyId: string,
  stateId: string,
  logLimit: number,
): Promise<{ state: JourneyState; logs: JourneyLog[]; moreLogs: boolean } | undefined> {
  const [state] = await db
    .select()
    .from(journeyStates)
    .where(and(eq(journeyStates.id, stateId), eq(journeyStates.journeyId, journeyId)));
  if (!state) return undefined;
  const rows = await db
    .select()
    .from(journeyLogs)
    .where(eq(journeyLogs.journeyStateId, stateId))
    .orderBy(asc(journeyLogs.createdAt), asc(journeyLogs.id))
    .limit(logLimit + 1);
  return { state, logs: rows.slice(0, logLimit), moreLogs: rows.length > logLimit };
}
