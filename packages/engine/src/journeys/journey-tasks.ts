import type { JsonObject } from "@hatchet-dev/typescript-sdk/v1/index.js";
import { z } from "zod";
import type { PushedEventPayload } from "../ingest/outbox-pusher.js";
import type { JourneyDefinition } from "./define-journey.js";
import type { JourneyServices } from "./journey-services.js";
import { runJourney } from "./run-journey.js";

/**
 * A task input as Hogsend pushes it. The run trusts it (ids, properties, time) without reading
 * the event back; properties that are not an object read as none, as they always have.
 */
const pushedEventSchema = z.object({
  eventId: z.uuid(),
  userKey: z.uuid(),
  properties: z.record(z.string(), z.unknown()).catch({}),
  occurredAt: z.iso.datetime({ offset: true }),
});

/** Validates a task input as an event Hogsend pushed. */
function asPushedEvent(input: JsonObject): PushedEventPayload | undefined {
  const parsed = pushedEventSchema.safeParse(input);
  return parsed.success ? parsed.data : undefined;
}

/** Hatchet task name of a journey. */
export const journeyTaskName = (journeyId: string) => `journey-${journeyId}`;

/**
 * Each journey becomes one durable task subscribed to its trigger event, with no retries (a
 * retry would replay from the top), a long execution timeout and a short eviction TTL (journeys
 * wait for days, and a waiting run need not hold memory).
 */
export function createJourneyTasks(services: JourneyServices, journeys: JourneyDefinition[]) {
  return journeys.map((journey) =>
    services.client.hatchet.durableTask({
      name: journeyTaskName(journey.meta.id),
      onEvents: [journey.meta.trigger.event],
      retries: 0,
      executionTimeout: "8760h",
      // Journeys wait for days: a run waiting longer than JOURNEY_EVICT_AFTER leaves the worker
      // (memory, durable slot) and replays from its event log when it wakes. A worker full of
      // waiting runs evicts the longest waiting first.
      evictionPolicy: {
        ttl: services.client.env.JOURNEY_EVICT_AFTER as `${number}${"s" | "m" | "h"}`,
        allowCapacityEviction: true,
      },
      fn: async (input: JsonObject, ctx) => {
        const payload = asPushedEvent(input);
        // Not one of ours (pushed by something else under the same name): nothing to do.
        if (!payload) return { outcome: "skipped", reason: "payload is not a Hogsend event" };
        return runJourney(services, journey, payload, ctx);
      },
    }),
  );
}
