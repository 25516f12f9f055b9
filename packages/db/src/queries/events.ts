import { and, eq, inArray, lt, sql } from "drizzle-orm";
import type { Queryable } from "../client.js";
import { type NewUserEvent, type UserEvent, userEvents } from "../schema/events.js";

/** Stores an event once per idempotency key; undefined when the key was already used. */
export async function insertEventOnce(db: Queryable, row: NewUserEvent): Promise<UserEvent | undefined> {
  const [stored] = await db.insert(userEvents).values(row).onConflictDoNothing().returning();
  return stored;
}

export async function findEventByIdempotencyKey(db: Queryable, key: string): Promise<UserEvent | undefined> {
  const [row] = await db
    .select()
    .from(userEvents)
    .where(and(sql`${userEvents.tenantId} is null`, eq(userEvents.idempotencyKey, key)))
    .limit(1);
  return row;
}

export async function markEventsPushed(db: Queryable, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(userEvents)
    .set({
      pushState: "pushed",
      pushedAt: sql`now()`,
      pushAttempts: sql`${userEvents.pushAttempts} + 1`,
      lastPushError: null,
    })
    .where(inArray(userEvents.id, ids));
}

export async function recordPushFailure(db: Queryable, ids: string[], error: string): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(userEvents)
    .set({ pushAttempts: sql`${userEvents.pushAttempts} + 1`, lastPushError: error.slice(0, 1_000) })
    .where(inArray(userEvents.id, ids));
}

/**
 * Pending events received before `olderThan`, locked for this transaction and skipped by
 * concurrent redrivers, oldest first.
 */
export async function claimPendingEvents(
  db: Queryable,
  options: { olderThan: Date; limit: number },
): Promise<UserEvent[]> {
  return db
    .select()
    .from(userEvents)
    .where(and(eq(userEvents.pushState, "pending"), lt(userEvents.receivedAt, options.olderThan)))
    .orderBy(userEvents.receivedAt)
    .limit(options.limit)
    .for("update", { skipLocked: true });
}

export async function eventById(db: Queryable, id: string): Promise<UserEvent | undefined> {
  const [row] = await db.select().from(userEvents).where(eq(userEvents.id, id)).limit(1);
  return row;
}
