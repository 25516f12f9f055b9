import { eventUuid } from "@hogsend/plugin-posthog";
import type { HogsendClient } from "../platform/client.js";
import { type ContactIdentity, distinctIdOf } from "./identity.js";

/** The events Hogsend emits that are mirrored to PostHog (when POSTHOG_API_KEY is set). */
export const POSTHOG_FORWARDED_EVENTS: readonly string[] = [
  "email.sent",
  "email.delivered",
  "email.opened",
  "email.clicked",
  "email.bounced",
  "email.unsubscribed",
  "journey.completed",
];

/** The ingest source of events PostHog sent us (`webhook:<source id>`); they never go back. */
export const POSTHOG_INGEST_SOURCE = "webhook:posthog";

/**
 * Queues one forwarded event for PostHog on the contact's distinct id, with a uuid derived from
 * the idempotency key. Never throws: analytics must not fail the send or journey that emitted it.
 */
export function mirrorToPostHog(
  client: Pick<HogsendClient, "analytics" | "logger">,
  contact: ContactIdentity,
  event: { name: string; properties: Record<string, unknown>; occurredAt: Date },
  options: { source: string; idempotencyKey: string },
): void {
  const { analytics } = client;
  if (!analytics || !POSTHOG_FORWARDED_EVENTS.includes(event.name)) return;
  // Belt and braces: PostHog's own events come in through the webhook and never get here.
  if (options.source.startsWith(POSTHOG_INGEST_SOURCE)) return;
  try {
    analytics.capture({
      distinctId: distinctIdOf(contact),
      event: event.name,
      properties: event.properties,
      timestamp: event.occurredAt,
      uuid: eventUuid(options.idempotencyKey),
    });
  } catch (err) {
    client.logger.warn("posthog capture failed", { event: event.name, error: (err as Error).message });
  }
}
