import {
  decideAdmission,
  type JourneyContext,
  type JourneyDefinition,
  JourneyExit,
  type JourneyUser,
} from "@hogsend/engine";
import { createHarnessContext } from "./context.js";
import { createDurableSteps } from "./durable.js";
import { ingest } from "./ingest.js";
import { type ContactRecord, isLive, type StoredEvent } from "./store.js";
import { type Run, type World, wake } from "./world.js";

/**
 * A journey's run for one triggering event, as runJourney does it on Hatchet: the guards
 * (through the runtime's own `decideAdmission`), then "already active", then the enrollment
 * and the journey's code up to its first durable wait.
 */
export async function startRun(world: World, journey: JourneyDefinition, event: StoredEvent): Promise<void> {
  const { store, clock } = world;
  const { meta } = journey;
  const runId = `run-${++world.attempts}`;
  const contact = contactOf(world, event.userKey);
  const skip = (reason: string) => {
    store.insertLog({
      stateId: null,
      journeyId: meta.id,
      userKey: event.userKey,
      kind: "skipped",
      message: reason,
      data: {},
      idempotencyKey: `${runId}:skipped`,
      at: clock.now(),
    });
  };
  const admission = decideAdmission(meta, {
    configEnabled: store.configs.get(meta.id),
    eventProperties: event.properties,
    entries: store.entryHistory(event.userKey, meta.id),
    unsubscribedAll: contact.preferences?.unsubscribedAll ?? false,
    now: clock.now(),
  });
  if (!admission.ok) return skip(admission.reason);
  // At runtime the live unique index refuses this insert.
  if (store.liveState(event.userKey, meta.id)) return skip("already active");
  const state = store.insertState({
    id: `state-${store.states.length + 1}`,
    journeyId: meta.id,
    userKey: event.userKey,
    runId,
    triggerEventId: event.id,
    status: "active",
    currentStep: "entered",
    waitDeadline: null,
    entryCount: admission.entryCount,
    exitReason: null,
    error: null,
    startedAt: clock.now(),
    finishedAt: null,
  });
  store.insertLog({
    stateId: state.id,
    journeyId: meta.id,
    userKey: event.userKey,
    kind: "entered",
    message: `entered on ${event.name}`,
    data: { eventId: event.id },
    idempotencyKey: `${runId}:entered`,
    at: clock.now(),
  });
  const run: Run = {
    id: runId,
    journey,
    state,
    trigger: event,
    journal: [],
    cancelled: false,
    executing: false,
    parked: undefined,
    fault: undefined,
  };
  world.runs.push(run);
  await invoke(world, run);
}

/**
 * One invocation of a run's code from the top: the first, or a replay after a worker crash
 * (durable steps already done return their recorded results). Returns once it parks or ends.
 */
export async function invoke(world: World, run: Run): Promise<void> {
  if (run.cancelled || !isLive(run.state)) return;
  // A replay takes over the pending step; the crashed invocation never continues.
  for (const entry of run.journal) if (!entry.done) entry.resume = null;
  const user = toJourneyUser(contactOf(world, run.state.userKey), run.trigger);
  const ctx = createHarnessContext({ world, run, user, steps: createDurableSteps(world, run) });
  run.executing = true;
  await wake(run, () => void execute(world, run, user, ctx));
}

async function execute(world: World, run: Run, user: JourneyUser, ctx: JourneyContext): Promise<void> {
  try {
    let outcome: Outcome;
    try {
      await run.journey.run(user, ctx);
      outcome = { status: "completed" };
    } catch (err) {
      outcome =
        err instanceof JourneyExit
          ? { status: "exited", exitReason: err.reason }
          : { status: "failed", error: (err as Error).message ?? String(err) };
    }
    finish(world, run, user, outcome);
  } catch (fault) {
    run.fault = fault;
  } finally {
    run.executing = false;
    run.parked?.();
  }
}

type Outcome = { status: "completed" | "failed" | "exited"; exitReason?: string; error?: string };

/** Records the end and emits journey.completed / journey.failed once, keyed by the state. */
function finish(world: World, run: Run, user: JourneyUser, outcome: Outcome): void {
  const { store, clock } = world;
  const { state, journey } = run;
  const changed = store.finishState(state, outcome, clock.now());
  store.insertLog({
    stateId: state.id,
    journeyId: journey.meta.id,
    userKey: user.key,
    kind: outcome.status,
    message: outcome.exitReason ?? outcome.error ?? outcome.status,
    data: {},
    idempotencyKey: `${run.id}:finished`,
    at: clock.now(),
  });
  for (const entry of run.journal) if (!entry.done) entry.cancel();
  if (!changed) return;
  if (outcome.status === "exited") {
    store.captured.exits.push({
      userId: store.userIdOf(user.key),
      journeyId: journey.meta.id,
      at: clock.now(),
      reason: outcome.exitReason ?? "",
      by: "ctx.exit",
    });
    return;
  }
  ingest(
    world,
    {
      name: `journey.${outcome.status}`,
      userKey: user.key,
      properties: {
        journeyId: journey.meta.id,
        journeyStateId: state.id,
        ...(outcome.error ? { error: outcome.error } : {}),
      },
    },
    {
      source: `journey:${journey.meta.id}`,
      idempotencyKey: `journey:${state.id}:${outcome.status}`,
    },
  );
}

function contactOf(world: World, userKey: string): ContactRecord {
  const contact = world.store.contactByKey(userKey);
  if (!contact) throw new Error(`harness: no contact for user key ${userKey}`);
  return contact;
}

function toJourneyUser(contact: ContactRecord, event: StoredEvent): JourneyUser {
  return {
    key: contact.key,
    contactId: contact.key,
    userId: contact.userId,
    email: contact.email,
    anonymousId: null,
    properties: { ...contact.properties },
    event: { id: event.id, name: event.name, properties: event.properties, occurredAt: event.occurredAt },
  };
}
