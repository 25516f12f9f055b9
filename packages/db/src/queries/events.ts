import { and, eq, sql } from "drizzle-orm";
import type { Queryable } from "../client.js";
import { type UserEvent, userEvents } from "../schema/events.js";

export async function findEventByIdempotencyKey(db: Queryable, key: string): Promise<UserEvent | undefined> {
  const [row] = await db
    .select()
    .from(userEvents)
    // coalesce matches the unique index's expression, so this is an index lookup, not a scan.
    .where(and(sql`coalesce(${userEvents.tenantId}, '') = ''`, eq(userEvents.idempotencyKey, key)))
    .limit(1);
  return row;
}

export async function eventById(db: Queryable, id: string): Promise<UserEvent | undefined> {
  const [row] = await db.select().from(userEvents).where(eq(userEvents.id, id)).limit(1);
  return row;
}
