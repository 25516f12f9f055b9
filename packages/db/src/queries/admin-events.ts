import { and, desc, eq, sql } from "drizzle-orm";
import type { Queryable } from "../client.js";
import { eventOutbox, type UserEvent, userEvents } from "../schema/events.js";
import { afterCursor, cursorText, type KeysetCursor, type Page, toPage } from "./pagination.js";

export interface ListEventsOptions {
  limit: number;
  cursor?: KeysetCursor | undefined;
  /** The contact's canonical user key (its id): kept even after the contact row is deleted. */
  userKey?: string | undefined;
  name?: string | undefined;
  source?: string | undefined;
}

/**
 * Where a stored event stands with the workflow engine: `skipped` (nothing consumes it),
 * `pending` (queued, not yet accepted), `parked` (the engine refused it; `lastPushError` says
 * why), `pushed` (accepted: its outbox row is gone).
 */
export type EventDelivery = "pushed" | "pending" | "parked" | "skipped";

export type StoredEvent = UserEvent & { delivery: EventDelivery; lastPushError: string | null };

/** Stored events with their delivery, newest occurrence first, keyset-paginated on (occurred_at, id). */
export async function listEvents(db: Queryable, options: ListEventsOptions): Promise<Page<StoredEvent>> {
  const rows = await db
    .select({
      row: userEvents,
      outbox: { parkedAt: eventOutbox.parkedAt, lastError: eventOutbox.lastError },
      queued: sql<boolean>`${eventOutbox.eventId} is not null`,
      cursorAt: cursorText(userEvents.occurredAt),
    })
    .from(userEvents)
    .leftJoin(eventOutbox, eq(eventOutbox.eventId, userEvents.id))
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
  return toPage(
    rows.map(({ row, outbox, queued, cursorAt }) => ({
      row: {
        ...row,
        delivery: deliveryOf(row.pushState, queued, outbox?.parkedAt ?? null),
        lastPushError: outbox?.lastError ?? null,
      },
      cursorAt,
    })),
    options.limit,
  );
}

function deliveryOf(
  pushState: UserEvent["pushState"],
  queued: boolean,
  parkedAt: Date | null,
): EventDelivery {
  if (pushState === "skipped") return "skipped";
  if (!queued) return "pushed";
  return parkedAt ? "parked" : "pending";
}
