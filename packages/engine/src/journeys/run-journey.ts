import type { DurableContext, JsonObject } from "@hatchet-dev/typescript-sdk/v1/index.js";
import {
  type Contact,
  contactById,
  eventById,
  findStateByRunId,
  finishJourneyState,
  insertJourneyLog,
  insertJourneyState,
  type JourneyState,
} from "@hogsend/db";
import { distinctIdOf } from "../ingest/identity.js";
import type { PushedEventPayload } from "../ingest/outbox-pusher.js";
import { admit } from "./admit.js";
import { type JourneyDefinition, JourneyExit, type JourneyUser } from "./define-journey.js";
import { createJourneyContext } from "./journey-context.js";
import type { JourneyServices } from "./journey-services.js";

export type JourneyRunOutcome =
  | { outcome: "skipped"; reason: string }
  | { outcome: "completed" | "exited" | "already-finished"; stateId: string };

/**
 * One Hatchet run of a journey. A first run passes the guards and records the enrollment; a
 * replay (same Hatchet run id) finds that enrollment and continues without the guards.
 */
export async function runJourney(
  services: JourneyServices,
  journey: JourneyDefinition,
  payload: PushedEventPayload,
  hatchet: DurableContext<JsonObject>,
): Promise<JourneyRunOutcome> {
  const { client } = services;
  const { db } = client.db;
  const { meta } = journey;
  const runId = hatchet.workflowRunId();
  // hatchet.now() is a durable memo: it takes a slot in the run's event log. Take it on every
  // run, replay included, so the log lines up when a new worker replays this run; taking it only
  // on first entry (for the guards) breaks the replay with a non-determinism error.
  const startedAt = await hatchet.now();
  const [event, contact] = await Promise.all([
    eventById(db, payload.eventId),
    contactById(db, payload.userKey),
  ]);
  if (!event || !contact) return { outcome: "skipped", reason: "trigger event or contact no longer exists" };

  let state = await findStateByRunId(db, runId);
  if (!state) {
    const admission = await admit(db, journey, {
      userKey: payload.userKey,
      contactId: contact.id,
      eventProperties: event.properties,
      now: startedAt,
      persons: client.persons,
      distinctId: distinctIdOf(contact),
    });
    const skip = async (reason: string) => {
      await insertJourneyLog(db, {
        journeyId: meta.id,
        userKey: payload.userKey,
        kind: "skipped",
        message: reason,
        idempotencyKey: `${runId}:skipped`,
      });
      return { outcome: "skipped" as const, reason };
    };
    if (!admission.ok) return skip(admission.reason);
    state =
      (await insertJourneyState(db, {
        journeyId: meta.id,
        userKey: payload.userKey,
        contactId: contact.id,
        hatchetRunId: runId,
        triggerEventId: event.id,
        entryCount: admission.entryCount,
        currentStep: "entered",
      })) ?? (await findStateByRunId(db, runId));
    if (!state) return skip("already active");
    await insertJourneyLog(db, {
      journeyStateId: state.id,
      journeyId: meta.id,
      userKey: payload.userKey,
      kind: "entered",
      message: `entered on ${event.event}`,
      data: { eventId: event.id },
      idempotencyKey: `${runId}:entered`,
    });
  }
  if (state.status !== "active" && state.status !== "waiting")
    return { outcome: "already-finished", stateId: state.id };

  const user = toJourneyUser(contact, event.id, event.event, event.properties, event.occurredAt);
  const ctx = createJourneyContext({ services, journey, state, user, hatchet });
  try {
    await journey.run(user, ctx);
  } catch (err) {
    if (err instanceof JourneyExit) {
      await finish(services, journey, state, user, { status: "exited", exitReason: err.reason });
      return { outcome: "exited", stateId: state.id };
    }
    // A cancelled run (exitOn) was already recorded as exited; don't report it as a failure.
    if (hatchet.abortController?.signal.aborted) throw err;
    await finish(services, journey, state, user, {
      status: "failed",
      error: (err as Error).message ?? String(err),
    });
    throw err;
  }
  await finish(services, journey, state, user, { status: "completed" });
  return { outcome: "completed", stateId: state.id };
}

function toJourneyUser(
  contact: Contact,
  eventId: string,
  eventName: string,
  properties: Record<string, unknown>,
  occurredAt: Date,
): JourneyUser {
  return {
    key: contact.id,
    contactId: contact.id,
    userId: contact.externalId,
    email: contact.email,
    anonymousId: contact.anonymousId,
    properties: contact.properties,
    event: { id: eventId, name: eventName, properties, occurredAt },
  };
}

/** Records the end and emits journey.completed / journey.failed once (keyed by the state). */
async function finish(
  { client, events }: JourneyServices,
  journey: JourneyDefinition,
  state: JourneyState,
  user: JourneyUser,
  outcome: { status: "completed" | "failed" | "exited"; exitReason?: string; error?: string },
) {
  const changed = await finishJourneyState(client.db.db, state.id, outcome);
  await insertJourneyLog(client.db.db, {
    journeyStateId: state.id,
    journeyId: journey.meta.id,
    userKey: user.key,
    kind: outcome.status,
    message: outcome.exitReason ?? outcome.error ?? outcome.status,
    idempotencyKey: `${state.hatchetRunId}:finished`,
  });
  if (!changed || outcome.status === "exited") return;
  // Recorded like every event Hogsend emits, so journey.completed reaches PostHog.
  await events.recordContactEvent(
    user.contactId,
    {
      name: `journey.${outcome.status}`,
      properties: {
        journeyId: journey.meta.id,
        journeyStateId: state.id,
        ...(outcome.error ? { error: outcome.error } : {}),
      },
    },
    { source: `journey:${journey.meta.id}`, idempotencyKey: `journey:${state.id}:${outcome.status}` },
  );
}
