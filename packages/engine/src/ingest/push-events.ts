import { markEventsPushed, type Queryable, recordPushFailure, type UserEvent } from "@hogsend/db";
import type { HogsendClient } from "../platform/client.js";
import { withDeadline } from "../platform/deadline.js";
import { createPushBatcher } from "./push-batcher.js";

/** What a journey receives for an event: keyed on the contact, the canonical user key. */
export interface PushedEventPayload {
  eventId: string;
  userKey: string;
  properties: Record<string, unknown>;
  occurredAt: string;
}

const PUSH_DEADLINE_MS = 3_000;

export interface EventPusher {
  /**
   * Pushes stored events to Hatchet and records the outcome. Never throws: an event that could
   * not be pushed stays `pending` for the event redrive. Delivery is at least once.
   */
  push(
    events: UserEvent[],
    /** Where to record the outcome: the pool, or the redrive's transaction holding the row locks. */
    db?: Queryable,
  ): Promise<{ pushed: number; failed: number }>;
}

/**
 * The one path from stored events to Hatchet, built once per runtime: its batcher coalesces
 * concurrent requests' pushes into bulk calls.
 */
export function createEventPusher(client: Pick<HogsendClient, "db" | "hatchet" | "logger">): EventPusher {
  const batcher = createPushBatcher<PushedEventPayload>(async (name, items) => {
    await client.hatchet.events.bulkPush(
      name,
      items.map((item) => ({
        payload: item.payload,
        // Scope lets a durable wait filter on the user inside Hatchet.
        scope: item.scope,
        additionalMetadata: item.metadata,
      })),
    );
  });

  return {
    async push(events, db = client.db.db) {
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
              batcher.push({
                name: event.event,
                payload,
                scope: event.userKey,
                metadata: { userKey: event.userKey, eventId: event.id },
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
        client.logger.warn("events stored but not yet pushed to Hatchet; the event redrive will retry", {
          count: failed.length,
          error: lastError,
        });
      }
      return { pushed: pushed.length, failed: failed.length };
    },
  };
}
