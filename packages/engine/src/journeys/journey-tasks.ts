import type { JsonObject } from "@hatchet-dev/typescript-sdk/v1/index.js";
import type { PushedEventPayload } from "../ingest/outbox-pusher.js";
import type { JourneyDefinition } from "./define-journey.js";
import type { JourneyServices } from "./journey-services.js";
import { runJourney } from "./run-journey.js";

/** Validates a task input as an event Hogsend pushed. */
function asPushedEvent(input: JsonObject): PushedEventPayload | undefined {
  const { eventId, userKey, properties, occurredAt } = input;
  if (typeof eventId !== "string" || typeof userKey !== "string" || typeof occurredAt !== "string")
    return undefined;
  const props = properties && typeof properties === "object" && !Array.isArray(properties) ? properties : {};
  return { eventId, userKey, occurredAt, properties: props as Record<string, unknown> };
}

/** Hatchet task name of a journey. */
export const journeyTaskName = (journeyId: string) => `journey-${journeyId}`;

/**
 * Each journey becomes one durable task subscribed to its trigger event, with no retries (a
 * retry would replay from the top) and a long execution timeout (journeys wait for days).
 */
export function createJourneyTasks(services: JourneyServices, journeys: JourneyDefinition[]) {
  return journeys.map((journey) =>
    services.client.hatchet.durableTask({
      name: journeyTaskName(journey.meta.id),
      onEvents: [journey.meta.trigger.event],
      retries: 0,
      executionTimeout: "8760h",
      fn: async (input: JsonObject, ctx) => {
        const payload = asPushedEvent(input);
        // Not one of ours (pushed by something else under the same name): nothing to do.
        if (!payload) return { outcome: "skipped", reason: "payload is not a Hogsend event" };
        return runJourney(services, journey, payload, ctx);
      },
    }),
  );
}
