import { and, desc, eq } from "drizzle-orm";
import type { Queryable } from "../client.js";
import { type UserEvent, userEvents } from "../schema/events.js";
import { afterCursor, cursorText, type KeysetCursor, type Page, toPage } from "./pagination.js";

export interface ListEventsOptions {
  limit: number;
  cursor?: KeysetCursor | undefined;
  /** The contact's canonical user key (its id): kept even after the contact row is deleted. */
  userKey?: string | undefined;
  name?: string | undefined;
  source?: string | undefined;
}

/** Stored events, newest occurrence first, keyset-paginated on (occurred_at, id). */
export async function listEvents(db: Queryable, options: ListEventsOptions): Promise<Page<UserEvent>> {
  const rows = await db
    .select({ row: userEvents, cursorAt: cursorText(userEvents.occurredAt) })
    .from(userEvents)
    .where(
      and(
        options.userKey === undefined ? undefined : eq(userEvents.userKey, options.userKey),
        options.name === undefined ? undefined : eq(userEvents.event, options.name),
        options.source === undefined ? undefined : eq(userEvents.source, options.source),
        afterCursor(userEvents.occurredAt, userEvents.id, options.cursor),
      ),
    )
    .orderBy(desc(userEvents.occurredAt), desc(userEvents.id))
    .limit(options.limit + 1);
  return toPage(rows, options.limit);
}
