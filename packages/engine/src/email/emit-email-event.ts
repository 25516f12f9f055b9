import type { HogsendClient } from "../client.js";
import { emitContactEvent } from "../ingest/emit-contact-event.js";
import type { ExitRules } from "../journeys/exit-check.js";

/** Emits an `email.*` engagement event for a contact, once per idempotency key, with exitOn applied. */
export async function emitEmailEvent(
  client: HogsendClient,
  contactId: string,
  event: { name: string; properties: Record<string, unknown>; occurredAt: Date },
  options: { idempotencyKey: string; exitRules: ExitRules },
): Promise<void> {
  await emitContactEvent(client, contactId, event, {
    source: "email",
    idempotencyKey: options.idempotencyKey,
    exitRules: options.exitRules,
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids from URLs are anyone's input: only a well-formed uuid reaches a uuid column. */
export function isUuid(value: string | undefined): value is string {
  return typeof value === "string" && UUID.test(value);
}
