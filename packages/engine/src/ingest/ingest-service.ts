import { randomUUID } from "node:crypto";
import {
  type Contact,
  contactById,
  findEventByIdempotencyKey,
  insertEventOnce,
  upsertContact,
} from "@hogsend/db";
import type { HogsendClient } from "../platform/client.js";
import type { EventInput } from "./event-input.js";
import { type ExitCheck, exitCheckApplies } from "./exit-policy.js";
import { mirrorToPostHog } from "./posthog-mirror.js";
import { createEventPusher, type EventPusher } from "./push-events.js";

export interface IngestResult {
  stored: boolean;
  duplicate: boolean;
  /** Live journey enrollments this event ended (exitOn). */
  exits: number;
  eventId: string;
  contactId: string;
  pushed: boolean;
}

export interface IngestOptions {
  /** `api`, `webhook:<id>`, `email`, `journey:<id>`, `admin:<id>`: decides whether exitOn applies. */
  source: string;
  /** A replay with the same key stores nothing and triggers nothing. */
  idempotencyKey?: string | undefined;
}

/** An event Hogsend itself produces for a contact it already knows (`email.*`, `journey.*`). */
export interface ContactEvent {
  name: string;
  properties: Record<string, unknown>;
  occurredAt?: Date | undefined;
}

/** Records events Hogsend emits about a known contact: what the email and journey contexts need. */
export interface ContactEvents {
  /**
   * Stores the event under the contact as it is (no identity resolution, no contact write),
   * once per idempotency key, runs the exit check when its source allows, pushes it to Hatchet
   * and mirrors it to PostHog when newly stored. Undefined when the contact no longer exists or
   * was deleted: an event under a forgotten person's identity must not bring them back.
   */
  recordContactEvent(
    contactId: string,
    event: ContactEvent,
    options: IngestOptions & { idempotencyKey: string },
  ): Promise<IngestResult | undefined>;
}

export interface IngestService extends ContactEvents {
  /**
   * The pipeline for an event from outside (the API, a webhook source): upsert the contact and
   * store the event in one transaction, run the exit check when the source allows, then push
   * to Hatchet keyed on the contact. Event and contact properties are never merged.
   */
  ingest(input: EventInput, options: IngestOptions): Promise<IngestResult>;
  /** The pusher this service pushes through; the event redrive shares it. */
  readonly pusher: EventPusher;
}

/**
 * Ingest, built once per runtime. The exit check is required: whether an event ends a journey
 * is decided here, by its source (`exitCheckApplies`), never by whether a caller passed rules.
 */
export function createIngestService(client: HogsendClient, deps: { exitCheck: ExitCheck }): IngestService {
  const { db } = client.db;
  const pusher = createEventPusher(client);

  /** Exit before pushing: the state is ended before any journey could react to this event. */
  async function afterStored(contactId: string, event: { id: string; event: string }, source: string) {
    return exitCheckApplies(source) ? deps.exitCheck(contactId, event.event) : 0;
  }

  async function replayOf(idempotencyKey: string, contactId: string): Promise<IngestResult> {
    // A replay: report the original, change nothing, push nothing.
    const original = await findEventByIdempotencyKey(db, idempotencyKey);
    return {
      stored: false,
      duplicate: true,
      exits: 0,
      eventId: original?.id ?? "",
      contactId: original?.contactId ?? contactId,
      pushed: original?.pushState === "pushed",
    };
  }

  return {
    pusher,

    async ingest(input, options) {
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
      if (!outcome.event) return replayOf(idempotencyKey, outcome.contact.id);
      const exits = await afterStored(outcome.contact.id, outcome.event, options.source);
      const { pushed } = await pusher.push([outcome.event]);
      return {
        stored: true,
        duplicate: false,
        exits,
        eventId: outcome.event.id,
        contactId: outcome.contact.id,
        pushed: pushed === 1,
      };
    },

    async recordContactEvent(contactId, event, options) {
      const contact: Contact | undefined = await contactById(db, contactId);
      if (!contact || contact.deletedAt) return undefined;
      // Fixed here so the stored event and its PostHog copy carry the same time.
      const occurredAt = event.occurredAt ?? new Date();
      const stored = await insertEventOnce(db, {
        userKey: contact.id,
        contactId: contact.id,
        event: event.name,
        properties: event.properties,
        source: options.source,
        idempotencyKey: options.idempotencyKey,
        occurredAt,
      });
      if (!stored) return replayOf(options.idempotencyKey, contact.id);
      const exits = await afterStored(contact.id, stored, options.source);
      const { pushed } = await pusher.push([stored]);
      // A replay stored nothing and was mirrored the first time.
      mirrorToPostHog(client, contact, { ...event, occurredAt }, options);
      return {
        stored: true,
        duplicate: false,
        exits,
        eventId: stored.id,
        contactId: contact.id,
        pushed: pushed === 1,
      };
    },
  };
}
