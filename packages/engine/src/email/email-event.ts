import type { ContactEvents } from "../ingest/ingest-service.js";

/** Records an `email.*` event for a contact, once per idempotency key; exitOn applies to it. */
export async function emitEmailEvent(
  events: ContactEvents,
  contactId: string,
  event: { name: string; properties: Record<string, unknown>; occurredAt: Date },
  idempotencyKey: string,
): Promise<void> {
  await events.recordContactEvent(contactId, event, { source: "email", idempotencyKey });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids from URLs are anyone's input: only a well-formed uuid reaches a uuid column. */
export function isUuid(value: string | undefined): value is string {
  return typeof value === "string" && UUID.test(value);
}
