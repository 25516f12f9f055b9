import { randomUUID } from "node:crypto";
import type { JsonObject } from "@hatchet-dev/typescript-sdk/v1/index.js";
import { AppError } from "@hogsend/core";
import {
  type Contact,
  contactById,
  eventById,
  findContact,
  findEventByIdempotencyKey,
  findJourneyLog,
  insertJourneyLog,
  type Queryable,
  readEnrollment,
  type UserEvent,
} from "@hogsend/db";
import type { ContactEvents } from "../ingest/ingest-service.js";
import type { PushedEventPayload } from "../ingest/outbox-pusher.js";
import type { HogsendClient } from "../platform/client.js";
import { withDeadline } from "../platform/deadline.js";
import { admit } from "./admit.js";
import type { JourneyDefinition } from "./define-journey.js";
import { journeyTaskName } from "./journey-tasks.js";
import { ENROLLED_BY_METADATA, MANUAL_ENROLLMENT_EVENT } from "./trigger-event.js";

const START_DEADLINE_MS = 5_000;

export type EnrollTarget = { contactId: string } | { userId: string } | { email: string };

export interface ManualEnrollmentRequest {
  target: EnrollTarget;
  /** The stored event's properties: what trigger.where is evaluated on and the run sees. */
  properties: Record<string, unknown>;
  idempotencyKey?: string | undefined;
  /** Who asked, for the journey log (a principal key). */
  actor: string;
}

export interface ManualEnrollment {
  eventId: string;
  contactId: string;
  runId: string;
  /** A replayed idempotency key: nothing new was stored. */
  duplicate: boolean;
  /** False only when a replay found its original run already started. */
  started: boolean;
}

/**
 * Enrolls one existing contact in one journey through the real runtime: a stored event (the
 * ingest pipeline), then a run of the journey's durable task for that event alone, whose guards
 * decide as they do for any trigger. The guards are checked here first too, so a refusal is a
 * 409 with its reason and stores nothing. A replayed idempotency key reports the original run,
 * or starts it if the first attempt stored the event but could not reach the engine.
 */
export async function enrollManually(
  services: { client: HogsendClient; events: ContactEvents },
  journey: JourneyDefinition,
  request: ManualEnrollmentRequest,
): Promise<ManualEnrollment> {
  const { client, events } = services;
  const { db } = client.db;
  // Scoped to the journey so a key can never collide with a product event's.
  const key = `enroll:${journey.meta.id}:${request.idempotencyKey ?? randomUUID()}`;
  const prior = await findEventByIdempotencyKey(db, key);
  if (prior) return resume(client, journey, prior, request.actor);

  const contact = await resolveContact(db, request.target);
  await assertAdmissible(db, journey, contact, request.properties);
  // Under the contact as resolved: no identity round trip that could land on another contact.
  const ingested = await events.recordContactEvent(
    contact.id,
    { name: MANUAL_ENROLLMENT_EVENT, properties: request.properties },
    { source: `admin:${journey.meta.id}`, idempotencyKey: key },
  );
  if (!ingested) throw new AppError("NOT_FOUND", `No contact ${contact.id}`);
  const event = await eventById(db, ingested.eventId);
  if (!event) throw new Error(`event ${ingested.eventId} vanished after ingest`);
  // A concurrent request with the same key stored it first: join that one.
  if (ingested.duplicate) return resume(client, journey, event, request.actor);
  const runId = await startRun(client, journey, event, request.actor);
  return { eventId: event.id, contactId: event.userKey, runId, duplicate: false, started: true };
}

async function resume(
  client: HogsendClient,
  journey: JourneyDefinition,
  event: UserEvent,
  actor: string,
): Promise<ManualEnrollment> {
  const recorded = runIdOf(await findJourneyLog(client.db.db, enrollmentLogKey(event.id)));
  const runId = recorded ?? (await startRun(client, journey, event, actor));
  return { eventId: event.id, contactId: event.userKey, runId, duplicate: true, started: !recorded };
}

const enrollmentLogKey = (eventId: string) => `enroll:${eventId}`;

function runIdOf(log: { data: Record<string, unknown> } | undefined): string | undefined {
  const runId = log?.data.runId;
  return typeof runId === "string" ? runId : undefined;
}

/** Starts `journey-<id>` for this event only and records the run id against the event. */
async function startRun(
  client: HogsendClient,
  journey: JourneyDefinition,
  event: UserEvent,
  actor: string,
): Promise<string> {
  const task = journeyTaskName(journey.meta.id);
  // Exactly what an event push delivers, so the task cannot tell the two apart.
  const payload = {
    eventId: event.id,
    userKey: event.userKey,
    properties: event.properties as JsonObject,
    occurredAt: event.occurredAt.toISOString(),
  } satisfies PushedEventPayload;
  let runId: string;
  try {
    const run = await withDeadline(
      client.hatchet.runNoWait(task, payload, {
        // The run names its event from this (`triggerEventName`): it never reads the event back.
        additionalMetadata: { userKey: event.userKey, eventId: event.id, [ENROLLED_BY_METADATA]: actor },
      }),
      START_DEADLINE_MS,
      `starting ${task}`,
    );
    runId = await run.getWorkflowRunId();
  } catch (err) {
    throw new AppError(
      "DEPENDENCY_UNAVAILABLE",
      `Event ${event.id} is stored, but the workflow engine did not start ${task}: ${(err as Error).message}. ` +
        "Retry with the same Idempotency-Key to start it without storing the event again.",
      { retryable: true, cause: err },
    );
  }
  const logKey = enrollmentLogKey(event.id);
  const recorded = await insertJourneyLog(client.db.db, {
    journeyId: journey.meta.id,
    userKey: event.userKey,
    kind: "enroll_requested",
    message: `enrollment requested by ${actor}`,
    data: { eventId: event.id, runId },
    idempotencyKey: logKey,
  });
  if (recorded) return runId;
  // A concurrent replay started a run first; report that one. The live-enrollment index lets
  // only one of the two runs enroll.
  return runIdOf(await findJourneyLog(client.db.db, logKey)) ?? runId;
}

async function resolveContact(db: Queryable, target: EnrollTarget): Promise<Contact> {
  if ("contactId" in target) {
    const contact = await contactById(db, target.contactId);
    if (!contact || contact.deletedAt) throw new AppError("NOT_FOUND", `No contact ${target.contactId}`);
    return contact;
  }
  if ("userId" in target) {
    const contact = await findContact(db, { externalId: target.userId });
    if (!contact) throw new AppError("NOT_FOUND", `No contact with user id ${JSON.stringify(target.userId)}`);
    return contact;
  }
  const contact = await findContact(db, { email: target.email });
  if (!contact) throw new AppError("NOT_FOUND", `No contact with email ${JSON.stringify(target.email)}`);
  return contact;
}

/** The journey's own guards, dry-run, plus the live-enrollment rule the run's insert enforces. */
async function assertAdmissible(
  db: Queryable,
  journey: JourneyDefinition,
  contact: Contact,
  properties: Record<string, unknown>,
) {
  const refuse = (reason: string, details: Record<string, unknown> = {}) =>
    new AppError("CONFLICT", `Contact ${contact.id} cannot enter journey ${journey.meta.id}: ${reason}`, {
      details: { reason, ...details },
    });
  const read = await readEnrollment(db, { contactId: contact.id, journeyId: journey.meta.id });
  if (!read) throw new AppError("NOT_FOUND", `No contact ${contact.id}`);
  if (read.live) throw refuse("already active", { stateId: read.live.id, status: read.live.status });
  const admission = await admit(journey, read, { eventProperties: properties, now: new Date() });
  if (!admission.ok) throw refuse(admission.reason);
}
