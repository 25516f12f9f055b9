import { type Contact, contactById } from "@hogsend/db";
import type { HogsendClient } from "../client.js";
import type { ExitRules } from "../journeys/exit-check.js";
import type { EventInput } from "./event-input.js";
import { type IngestResult, ingestEvent } from "./ingest-event.js";

/** The strongest identity a contact has, as the ingest pipeline takes it. */
export function identityOf(
  contact: Pick<Contact, "id" | "externalId" | "email" | "anonymousId">,
): Pick<EventInput, "userId" | "email" | "anonymousId"> {
  if (contact.externalId) return { userId: contact.externalId };
  if (contact.email) return { email: contact.email };
  return { anonymousId: contact.anonymousId ?? contact.id };
}

/**
 * Emits an event Hogsend itself produces (`email.*`, `journey.*`) for a known contact, through
 * the same pipeline as outside events: stored once per idempotency key, exitOn checked, pushed to
 * Hatchet so journeys can wait on it. Undefined when the contact no longer exists.
 */
export async function emitContactEvent(
  client: HogsendClient,
  contactId: string,
  event: { name: string; properties: Record<string, unknown>; occurredAt?: Date },
  options: { source: string; idempotencyKey: string; exitRules?: ExitRules | undefined },
): Promise<IngestResult | undefined> {
  const contact = await contactById(client.db.db, contactId);
  if (!contact) return undefined;
  return ingestEvent(
    client,
    {
      name: event.name,
      ...identityOf(contact),
      eventProperties: event.properties,
      ...(event.occurredAt ? { timestamp: event.occurredAt.toISOString() } : {}),
    },
    options,
  );
}
