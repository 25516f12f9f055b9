import { randomUUID } from "node:crypto";
import { findEventByIdempotencyKey, insertEventOnce, upsertContact } from "@hogsend/db";
import type { HogsendClient } from "../client.js";
import { type ExitRules, runExitCheck } from "../journeys/exit-check.js";
import type { EventInput } from "./event-input.js";
import { pushEvents } from "./push-events.js";

export interface IngestResult {
  stored: boolean;
  duplicate: boolean;
  /** Live journey enrollments this event ended (exitOn). */
  exits: number;
  eventId: string;
  contactId: string;
  pushed: boolean;
}

/**
 * The ingest pipeline for one event: upsert the contact and store the event in one
 * transaction (a replayed idempotency key stores nothing and triggers nothing), then push it
 * to Hatchet keyed on the contact. Event and contact properties are never merged.
 */
export async function ingestEvent(
  client: HogsendClient,
  input: EventInput,
  options: { source: string; idempotencyKey?: string | undefined; exitRules?: ExitRules | undefined },
): Promise<IngestResult> {
  const { db } = client.db;
  const idempotencyKey = options.idempotencyKey ?? input.idempotencyKey ?? randomUUID();
  const occurredAt = input.timestamp ? new Date(input.timestamp) : new Date();
  const outcome = await db.transaction(async (tx) => {
    const contact = await upsertContact(tx, {
      externalId: input.userId,
      email: input.email,
      anonymousId: input.anonymousId,
      properties: input.contactProperties,
      seenAt: occurredAt,
    });
    const event = await insertEventOnce(tx, {
      userKey: contact.id,
      contactId: contact.id,
      event: input.name,
      properties: input.eventProperties ?? {},
      source: options.source,
      idempotencyKey,
      occurredAt,
    });
    return { contact, event };
  });
  if (!outcome.event) {
    // A replay: report the original, change nothing, push nothing.
    const original = await findEventByIdempotencyKey(db, idempotencyKey);
    return {
      stored: false,
      duplicate: true,
      exits: 0,
      eventId: original?.id ?? "",
      contactId: original?.contactId ?? outcome.contact.id,
      pushed: original?.pushState === "pushed",
    };
  }
  // Exit before pushing: the state is ended before any journey could react to this event.
  const exits = options.exitRules
    ? await runExitCheck(client, options.exitRules, outcome.contact.id, input.name)
    : 0;
  const { pushed } = await pushEvents(client, [outcome.event]);
  return {
    stored: true,
    duplicate: false,
    exits,
    eventId: outcome.event.id,
    contactId: outcome.contact.id,
    pushed: pushed === 1,
  };
}
