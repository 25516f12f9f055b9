import { type Contact, contactById } from "@hogsend/db";
import { eventUuid } from "@hogsend/plugin-posthog";
import type { HogsendClient } from "../client.js";
import type { ExitRules } from "../journeys/exit-check.js";
import type { EventInput } from "./event-input.js";
import { type IngestResult, ingestEvent } from "./ingest-event.js";

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

type Identity = Pick<Contact, "id" | "externalId" | "email" | "anonymousId">;

/** The strongest identity a contact has, as the ingest pipeline takes it. */
export function identityOf(contact: Identity): Pick<EventInput, "userId" | "email" | "anonymousId"> {
  if (contact.externalId) return { userId: contact.externalId };
  if (contact.email) return { email: contact.email };
  return { anonymousId: contact.anonymousId ?? contact.id };
}

/** The contact's PostHog distinct id: its external id, else its email, else its anonymous id. */
export function distinctIdOf(contact: Identity): string {
  const identity = identityOf(contact);
  return identity.userId ?? identity.email ?? identity.anonymousId ?? contact.id;
}

/**
 * Emits an event Hogsend itself produces (`email.*`, `journey.*`) for a known contact, through
 * the same pipeline as outside events: stored once per idempotency key, exitOn checked, pushed to
 * Hatchet so journeys can wait on it, and mirrored to PostHog when newly stored. Undefined when
 * the contact no longer exists or was deleted: ingesting under a deleted contact's identity
 * would create a fresh contact for someone who asked to be forgotten.
 */
export async function emitContactEvent(
  client: HogsendClient,
  contactId: string,
  event: { name: string; properties: Record<string, unknown>; occurredAt?: Date },
  options: { source: string; idempotencyKey: string; exitRules?: ExitRules | undefined },
): Promise<IngestResult | undefined> {
  const contact = await contactById(client.db.db, contactId);
  if (!contact || contact.deletedAt) return undefined;
  // Fixed here so the stored event and its PostHog copy carry the same time.
  const occurredAt = event.occurredAt ?? new Date();
  const result = await ingestEvent(
    client,
    {
      name: event.name,
      ...identityOf(contact),
      eventProperties: event.properties,
      timestamp: occurredAt.toISOString(),
    },
    options,
  );
  // A replay stored nothing and was mirrored the first time.
  if (result.stored) forwardToPostHog(client, contact, { ...event, occurredAt }, options);
  return result;
}

/**
 * Queues one forwarded event for PostHog on the contact's distinct id, with a uuid derived from
 * the idempotency key. Never throws: analytics must not fail the send or journey that emitted it.
 */
function forwardToPostHog(
  client: HogsendClient,
  contact: Identity,
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
