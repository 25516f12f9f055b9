import { markEventsPushed, type Queryable, recordPushFailure, type UserEvent } from "@hogsend/db";
import type { HogsendClient } from "../client.js";
import { withDeadline } from "../health/probes.js";

/** What a journey receives for an event: keyed on the contact, the canonical user key. */
export interface PushedEventPayload {
  eventId: string;
  userKey: string;
  properties: Record<string, unknown>;
  occurredAt: string;
}

const PUSH_DEADLINE_MS = 3_000;

/**
 * Pushes stored events to Hatchet and records the outcome. Never throws: an event that could
 * not be pushed stays `pending` for the redrive loop. Delivery is at least once.
 */
export async function pushEvents(
  client: HogsendClient,
  events: UserEvent[],
  /** Where to record the outcome: the pool, or the redrive's transaction holding the row locks. */
  db: Queryable = client.db.db,
): Promise<{ pushed: number; failed: number }> {
  const pushed: string[] = [];
  let lastError = "";
  await Promise.all(
    events.map(async (event) => {
      const payload: PushedEventPayload = {
        eventId: event.id,
        userKey: event.userKey,
        properties: event.properties,
        occurredAt: event.occurredAt.toISOString(),
      };
      try {
        await withDeadline(
          client.hatchet.events.push(event.event, payload, {
            // Scope lets a durable wait filter on the user inside Hatchet.
            scope: event.userKey,
            additionalMetadata: { userKey: event.userKey, eventId: event.id },
          }),
          PUSH_DEADLINE_MS,
          "hatchet event push",
        );
        pushed.push(event.id);
      } catch (err) {
        lastError = (err as Error).message;
      }
    }),
  );
  const failed = events.filter((e) => !pushed.includes(e.id)).map((e) => e.id);
  await markEventsPushed(db, pushed);
  if (failed.length > 0) {
    await recordPushFailure(db, failed, lastError);
    client.logger.warn("events stored but not yet pushed to Hatchet; the redrive loop will retry", {
      count: failed.length,
      error: lastError,
    });
  }
  return { pushed: pushed.length, failed: failed.length };
}
