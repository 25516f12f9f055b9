import { randomUUID } from "node:crypto";
import { findEventByIdempotencyKey } from "@hogsend/db";
import type { HogsendClient } from "../platform/client.js";
import type { EventInput } from "./event-input.js";
import { createEventWriter, type WriteOutcome } from "./event-writer.js";
import { type EventConsumers, exitCheckApplies } from "./exit-policy.js";
import { createOutboxPusher, type OutboxPusher, type OutboxPusherOptions } from "./outbox-pusher.js";
import { mirrorToPostHog } from "./posthog-mirror.js";
import type { EventToWrite } from "./write-plan.js";

export interface IngestResult {
  stored: boolean;
  duplicate: boolean;
  /** Live journey enrollments this event ended (exitOn). */
  exits: number;
  eventId: string;
  contactId: string;
  /**
   * Queued for the workflow engine: a journey triggers on this event, or one of the contact's runs
   * is waiting for it. It reaches Hatchet from the outbox, at least once, shortly after this
   * answer (or once the engine is reachable again). False: stored only; no journey consumes it.
   */
  pushed: boolean;
}

export interface IngestOptions {
  /** `api`, `webhook:<id>`, `email`, `journey:<id>`, `admin:<id>`: decides whether exitOn applies. */
  source: string;
  /** A replay with the same key stores nothing and triggers nothing. */
  idempotencyKey?: string | undefined;
  /**
   * Whether the event's email may replace a known contact's different email (default true: the
   * product's own API calls). False for sources whose identity data anyone can write: their
   * email fills an empty one only.
   */
  emailTrusted?: boolean | undefined;
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
   * once per idempotency key, ends the enrollments it exits when its source allows, queues it
   * for Hatchet when a journey consumes it and mirrors it to PostHog when newly stored.
   * Undefined when the contact no longer exists or was deleted: an event under a forgotten
   * person's identity must not bring them back.
   */
  recordContactEvent(
    contactId: string,
    event: ContactEvent,
    options: IngestOptions & { idempotencyKey: string },
  ): Promise<IngestResult | undefined>;
}

export interface IngestService extends ContactEvents {
  /**
   * The pipeline for an event from outside (the API, a webhook source): resolve and upsert the
   * contact, store the event, queue it for Hatchet when a journey consumes it and end the
   * enrollments it exits, all in one statement shared with concurrent requests (group commit).
   * Answers once the row is committed. Event and contact properties are never merged.
   */
  ingest(input: EventInput, options: IngestOptions): Promise<IngestResult>;
  /** Carries queued events to Hatchet; started with the runtime, woken by every write that queued. */
  readonly pusher: OutboxPusher;
  /** Resolves when no write is queued or in flight (shutdown, tests). */
  idle(): Promise<void>;
}

export interface IngestServiceOptions {
  /** Most requests in one group commit. */
  maxBatch?: number;
  pusher?: OutboxPusherOptions;
}

/**
 * Ingest, built once per runtime. Whether an event ends a journey is decided here, by its source
 * (`exitCheckApplies`), never by whether a caller passed rules; whether it goes to Hatchet, by
 * whether anything consumes it.
 */
export function createIngestService(
  client: HogsendClient,
  consumers: EventConsumers,
  options: IngestServiceOptions = {},
): IngestService {
  const { db } = client.db;
  const pusher = createOutboxPusher(client, options.pusher);
  const writer = createEventWriter(client.db.sql, {
    maxBatch: options.maxBatch,
    onQueued: () => pusher.wake(),
  });

  function toWrite(
    name: string,
    properties: Record<string, unknown>,
    options: IngestOptions & { idempotencyKey: string },
    occurredAt: Date,
  ): EventToWrite {
    return {
      id: randomUUID(),
      name,
      properties,
      source: options.source,
      idempotencyKey: options.idempotencyKey,
      occurredAt,
      consumable: consumers.triggers.has(name),
      exitJourneys: exitCheckApplies(options.source) ? consumers.exitRules.get(name) : undefined,
    };
  }

  async function resultOf(
    outcome: Extract<WriteOutcome, { missingContact: false }>,
    event: EventToWrite,
  ): Promise<IngestResult> {
    if (!outcome.stored) {
      // A replay: report the original, change nothing, push nothing.
      const original = await findEventByIdempotencyKey(db, event.idempotencyKey);
      return {
        stored: false,
        duplicate: true,
        exits: 0,
        eventId: original?.id ?? "",
        contactId: original?.contactId ?? outcome.contact.id,
        pushed: original?.pushState === "queued",
      };
    }
    // The states are ended already (same statement); a run that wakes before its cancel lands sees it.
    if (outcome.exitedRunIds.length > 0) await consumers.cancelRuns(outcome.exitedRunIds);
    return {
      stored: true,
      duplicate: false,
      exits: outcome.exitedRunIds.length,
      eventId: event.id,
      contactId: outcome.contact.id,
      pushed: outcome.queued,
    };
  }

  return {
    pusher,
    idle: () => writer.idle(),

    async ingest(input, options) {
      const idempotencyKey = options.idempotencyKey ?? input.idempotencyKey ?? randomUUID();
      const occurredAt = input.timestamp ? new Date(input.timestamp) : new Date();
      const event = toWrite(
        input.name,
        input.eventProperties ?? {},
        { ...options, idempotencyKey },
        occurredAt,
      );
      const outcome = await writer.write({
        kind: "identify",
        identity: { externalId: input.userId, email: input.email, anonymousId: input.anonymousId },
        emailTrusted: options.emailTrusted ?? true,
        contactProperties: input.contactProperties,
        event,
      });
      if (outcome.missingContact) throw new Error("ingest resolved no contact");
      return resultOf(outcome, event);
    },

    async recordContactEvent(contactId, contactEvent, options) {
      // Fixed here so the stored event and its PostHog copy carry the same time.
      const occurredAt = contactEvent.occurredAt ?? new Date();
      const event = toWrite(contactEvent.name, contactEvent.properties, options, occurredAt);
      const outcome = await writer.write({ kind: "known", contactId, event });
      if (outcome.missingContact) return undefined;
      const result = await resultOf(outcome, event);
      // A replay stored nothing and was mirrored the first time.
      if (result.stored) mirrorToPostHog(client, outcome.contact, { ...contactEvent, occurredAt }, options);
      return result;
    },
  };
}
