import { and, desc, eq, gte, inArray, sql } from "drizzle-orm";
import type { Queryable } from "../client.js";
import { userEvents } from "../schema/events.js";
import {
  type JourneyState,
  type JourneyStatus,
  journeyConfigs,
  journeyLogs,
  journeyStates,
} from "../schema/journeys.js";
import { emailPreferences } from "../schema/preferences.js";

const LIVE: JourneyStatus[] = ["active", "waiting"];

export async function journeyStateById(db: Queryable, id: string): Promise<JourneyState | undefined> {
  const [row] = await db.select().from(journeyStates).where(eq(journeyStates.id, id)).limit(1);
  return row;
}

/** The enrollment a trigger event made in a journey (at most one: a unique index). */
export async function findStateByTriggerEvent(
  db: Queryable,
  journeyId: string,
  triggerEventId: string,
): Promise<JourneyState | undefined> {
  const [row] = await db
    .select()
    .from(journeyStates)
    .where(and(eq(journeyStates.journeyId, journeyId), eq(journeyStates.triggerEventId, triggerEventId)))
    .limit(1);
  return row;
}

export async function findStateByRunId(
  db: Queryable,
  hatchetRunId: string,
): Promise<JourneyState | undefined> {
  const [row] = await db
    .select()
    .from(journeyStates)
    .where(eq(journeyStates.hatchetRunId, hatchetRunId))
    .limit(1);
  return row;
}

/** Inserts a new live enrollment; undefined when one is already live (or this run already enrolled). */
export async function insertJourneyState(
  db: Queryable,
  row: typeof journeyStates.$inferInsert,
): Promise<JourneyState | undefined> {
  const [created] = await db.insert(journeyStates).values(row).onConflictDoNothing().returning();
  return created;
}

export async function updateJourneyState(
  db: Queryable,
  id: string,
  patch: Partial<Pick<JourneyState, "status" | "currentStep" | "waitDeadline" | "waitingFor" | "context">>,
): Promise<void> {
  await db
    .update(journeyStates)
    .set({ ...patch, updatedAt: sql`now()` })
    .where(and(eq(journeyStates.id, id), inArray(journeyStates.status, LIVE)));
}

/** Ends a live state; a state already exited (say by exitOn) keeps its status. */
export async function finishJourneyState(
  db: Queryable,
  id: string,
  outcome: { status: "completed" | "failed" | "exited"; exitReason?: string; error?: string },
): Promise<boolean> {
  const rows = await db
    .update(journeyStates)
    .set({
      status: outcome.status,
      exitReason: outcome.exitReason ?? null,
      error: outcome.error ?? null,
      waitDeadline: null,
      finishedAt: sql`now()`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(journeyStates.id, id), inArray(journeyStates.status, LIVE)))
    .returning({ id: journeyStates.id });
  return rows.length > 0;
}

/**
 * Ends one live enrollment of a journey as exited and logs why, in one transaction; the first
 * claim wins. Undefined when the journey has no such state; `ended: false` (with the state as it
 * stands) when it was no longer live.
 */
export async function exitJourneyState(
  db: Queryable,
  input: { journeyId: string; stateId: string; reason: string },
): Promise<{ ended: boolean; state: JourneyState } | undefined> {
  const ofJourney = and(eq(journeyStates.id, input.stateId), eq(journeyStates.journeyId, input.journeyId));
  return db.transaction(async (tx) => {
    const [ended] = await tx
      .update(journeyStates)
      .set({
        status: "exited",
        exitReason: input.reason,
        waitDeadline: null,
        finishedAt: sql`now()`,
        updatedAt: sql`now()`,
      })
      .where(and(ofJourney, inArray(journeyStates.status, LIVE)))
      .returning();
    if (ended) {
      // The run's own finish log shares this key, so a run that wakes late logs nothing more.
      await insertJourneyLog(tx, {
        journeyStateId: ended.id,
        journeyId: ended.journeyId,
        userKey: ended.userKey,
        kind: "exited",
        message: input.reason,
        idempotencyKey: `${ended.hatchetRunId}:finished`,
      });
      return { ended: true, state: ended };
    }
    const [current] = await tx.select().from(journeyStates).where(ofJourney).limit(1);
    return current ? { ended: false, state: current } : undefined;
  });
}

/** Records a log line; with an idempotency key, a replay's second write is a no-op (returns false). */
export async function insertJourneyLog(
  db: Queryable,
  row: typeof journeyLogs.$inferInsert,
): Promise<boolean> {
  const inserted = await db
    .insert(journeyLogs)
    .values(row)
    .onConflictDoNothing()
    .returning({ id: journeyLogs.id });
  return inserted.length > 0;
}

export async function findJourneyLog(db: Queryable, idempotencyKey: string) {
  const [row] = await db
    .select()
    .from(journeyLogs)
    .where(eq(journeyLogs.idempotencyKey, idempotencyKey))
    .limit(1);
  return row;
}

export async function setJourneyEnabled(
  db: Queryable,
  journeyId: string,
  enabled: boolean | null,
  updatedBy: string,
) {
  await db
    .insert(journeyConfigs)
    .values({ journeyId, enabled, updatedBy })
    .onConflictDoUpdate({
      target: journeyConfigs.journeyId,
      set: { enabled, updatedBy, updatedAt: sql`now()` },
    });
}

export async function getEmailPreferences(db: Queryable, contactId: string) {
  const [row] = await db
    .select()
    .from(emailPreferences)
    .where(eq(emailPreferences.contactId, contactId))
    .limit(1);
  return row;
}

export async function hasUserEvent(
  db: Queryable,
  userKey: string,
  event: string,
  since?: Date,
): Promise<boolean> {
  const [row] = await db
    .select({ id: userEvents.id })
    .from(userEvents)
    .where(
      and(
        eq(userEvents.userKey, userKey),
        eq(userEvents.event, event),
        since ? gte(userEvents.occurredAt, since) : undefined,
      ),
    )
    .limit(1);
  return row !== undefined;
}

export async function latestJourneyState(db: Queryable, userKey: string, journeyId: string) {
  const [row] = await db
    .select()
    .from(journeyStates)
    .where(and(eq(journeyStates.userKey, userKey), eq(journeyStates.journeyId, journeyId)))
    .orderBy(desc(journeyStates.startedAt))
    .limit(1);
  return row;
}
