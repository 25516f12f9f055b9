import type { DurableContext, JsonObject } from "@hatchet-dev/typescript-sdk/v1/index.js";
import {
  type Contact,
  type EnrollmentRead,
  enterJourney,
  findStateByRunId,
  findStateByTriggerEvent,
  finishJourneyState,
  insertJourneyLog,
  type JourneyState,
  readEnrollment,
} from "@hogsend/db";
import type { PushedEventPayload } from "../ingest/outbox-pusher.js";
import { admit } from "./admit.js";
import { type JourneyDefinition, JourneyExit, type JourneyUser } from "./define-journey.js";
import { createJourneyContext } from "./journey-context.js";
import type { JourneyServices } from "./journey-services.js";
import { triggerEventName } from "./trigger-event.js";

export type JourneyRunOutcome =
  | { outcome: "skipped"; reason: string }
  | { outcome: "completed" | "exited" | "already-finished"; stateId: string };

/**
 * One Hatchet run of a journey. A first run passes the guards and records the enrollment; a
 * replay (same Hatchet run id) finds that enrollment and continues without the guards. From the
 * pushed event to the enrollment: one read and one write, the read beside `hatchet.now()`.
 */
export async function runJourney(
  services: JourneyServices,
  journey: JourneyDefinition,
  payload: PushedEventPayload,
  hatchet: DurableContext<JsonObject>,
): Promise<JourneyRunOutcome> {
  const { db } = services.client.db;
  const runId = hatchet.workflowRunId();
  // hatchet.now() is a durable memo: it takes a slot in the run's event log. Take it on every
  // run, replay included, so the log lines up when a new worker replays this run; taking it only
  // on first entry (for the guards) breaks the replay with a non-determinism error. The read is
  // no durable call, so it runs beside it without moving any slot.
  const [startedAt, read] = await Promise.all([
    hatchet.now(),
    readEnrollment(db, { contactId: payload.userKey, journeyId: journey.meta.id, hatchetRunId: runId }),
  ]);
  if (!read) return { outcome: "skipped", reason: "contact no longer exists" };
  // The pushed payload carries the event; its name is the journey's trigger (or a manual
  // enrollment's own event), so the event row is never read back.
  const event = {
    id: payload.eventId,
    name: triggerEventName(journey.meta, hatchet.additionalMetadata()),
    properties: payload.properties,
    occurredAt: new Date(payload.occurredAt),
  };
  const state = read.state ?? (await enroll(services, journey, read, { runId, startedAt, event }));
  if ("skipped" in state) return { outcome: "skipped", reason: state.skipped };
  if (state.status !== "active" && state.status !== "waiting")
    return { outcome: "already-finished", stateId: state.id };

  const user = toJourneyUser(read.contact, event);
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

/**
 * A first run's guards and enrollment: the state and its "entered" log in one write, or a
 * "skipped" log with the reason (both keyed by the run, so a replay writes neither twice).
 */
async function enroll(
  { client }: JourneyServices,
  journey: JourneyDefinition,
  read: EnrollmentRead,
  run: { runId: string; startedAt: Date; event: JourneyUser["event"] },
): Promise<JourneyState | { skipped: string }> {
  const { db } = client.db;
  const { meta } = journey;
  const { runId, event } = run;
  const skip = async (reason: string) => {
    await insertJourneyLog(db, {
      journeyId: meta.id,
      userKey: read.contact.id,
      kind: "skipped",
      message: reason,
      idempotencyKey: `${runId}:skipped`,
    });
    return { skipped: reason };
  };
  // A forgotten person is not brought back by an event stored before the deletion.
  if (read.contact.deletedAt) return skip("contact deleted");
  const admission = await admit(journey, read, {
    eventProperties: event.properties,
    now: run.startedAt,
    persons: client.persons,
  });
  if (!admission.ok) return skip(admission.reason);
  // Known already; the live unique index still decides a race below.
  if (read.live) return skip("already active");
  const state =
    (await enterJourney(db, {
      journeyId: meta.id,
      userKey: read.contact.id,
      contactId: read.contact.id,
      hatchetRunId: runId,
      triggerEventId: event.id,
      entryCount: admission.entryCount,
      message: `entered on ${event.name}`,
    })) ??
    // Refused: a replay of this run that enrolled meanwhile continues as that enrollment; any
    // other conflict is another live enrollment, or this event's enrollment by an earlier
    // delivery of it (Hatchet delivers at least once, each delivery a run of its own).
    (await findStateByRunId(db, runId));
  if (state) return state;
  return (await findStateByTriggerEvent(db, meta.id, event.id))
    ? skip("already enrolled by this event")
    : skip("already active");
}

function toJourneyUser(contact: Contact, event: JourneyUser["event"]): JourneyUser {
  return {
    key: contact.id,
    contactId: contact.id,
    userId: contact.externalId,
    email: contact.email,
    anonymousId: contact.anonymousId,
    properties: contact.properties,
    event,
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
