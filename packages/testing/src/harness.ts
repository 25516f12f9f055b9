import { parseDuration } from "@hogsend/core";
import type { JourneyDefinition } from "@hogsend/engine";
import { waitMatches } from "./durable.js";
import { ingest } from "./ingest.js";
import { invoke, startRun } from "./runner.js";
import type { StateRecord } from "./store.js";
import type { JourneyHarness, JourneyHarnessOptions, StateSnapshot } from "./types.js";
import { createWorld } from "./world.js";

const DEFAULT_START = "2025-01-01T00:00:00.000Z";

/**
 * An in-memory Hogsend for journey tests: a virtual clock, the runtime's guards, exitOn and send
 * policy (the engine's own decision functions), waits with the runtime's matching rules, and
 * every effect captured. Nothing waits in real time, so a journey that spans weeks runs in
 * milliseconds.
 */
export function createJourneyHarness(options: JourneyHarnessOptions): JourneyHarness {
  const start = new Date(options.now ?? DEFAULT_START);
  if (Number.isNaN(start.getTime())) throw new Error(`harness: now ${String(options.now)} is not a date`);
  const world = createWorld(options.journeys, start, {
    templates: options.templates,
    frequencyCapPerDay: options.frequencyCapPerDay,
  });
  const { store, clock } = world;

  const configure = (journeyId: string, config: { enabled: boolean | null }) => {
    if (!world.journeys.some((j) => j.meta.id === journeyId))
      throw new Error(`harness: no journey ${journeyId} to configure`);
    store.configs.set(journeyId, config.enabled);
  };
  for (const seed of options.contacts ?? []) store.upsertContact(seed);
  for (const [journeyId, config] of Object.entries(options.configs ?? {})) configure(journeyId, config);

  // Runs interleave only where the harness says so; overlapping calls would break that.
  let busy = false;
  async function exclusive<T>(what: string, fn: () => Promise<T>): Promise<T> {
    if (busy) throw new Error(`harness.${what} called while another harness call runs: await each call`);
    busy = true;
    try {
      return await fn();
    } finally {
      busy = false;
    }
  }

  /** Delivers queued events in log order: first the journeys they trigger, then the waits they end. */
  async function drain() {
    for (let event = world.queue.shift(); event; event = world.queue.shift()) {
      for (const journey of world.journeys) {
        if (journey.meta.trigger.event === event.name) await startRun(world, journey, event);
      }
      for (const waiter of [...world.waiters]) {
        if (world.waiters.has(waiter) && waitMatches(waiter, event)) await waiter.deliver(event);
      }
    }
  }

  async function advanceTo(target: number) {
    if (Number.isNaN(target) || target < clock.nowMs())
      throw new Error(`harness: cannot move time back to ${new Date(target).toISOString()}`);
    for (let timer = clock.takeDue(target); timer; timer = clock.takeDue(target)) {
      clock.moveTo(timer.at);
      await timer.fire();
      await drain();
    }
    clock.moveTo(target);
  }

  const keyOf = (userId: string | undefined) =>
    userId === undefined ? undefined : store.contacts.get(userId)?.key;
  const mine = <T extends { userId: string }>(rows: T[], userId: string | undefined) =>
    rows.filter((r) => userId === undefined || r.userId === userId).map((r) => ({ ...r }));
  const snapshot = (s: StateRecord): StateSnapshot => ({
    id: s.id,
    journeyId: s.journeyId,
    userId: store.userIdOf(s.userKey),
    status: s.status,
    currentStep: s.currentStep,
    waitDeadline: s.waitDeadline,
    entryCount: s.entryCount,
    exitReason: s.exitReason,
    error: s.error,
    startedAt: s.startedAt,
    finishedAt: s.finishedAt,
  });
  const logs = () =>
    store.logs.map((l) => ({
      journeyId: l.journeyId,
      userId: store.userIdOf(l.userKey),
      stateId: l.stateId,
      kind: l.kind,
      message: l.message,
      data: l.data,
      at: l.at,
    }));

  return {
    now: () => clock.now(),

    send: (event, opts) =>
      exclusive("send", async () => {
        if (!event) throw new Error("harness.send: an event name is required");
        if (!opts.user) throw new Error("harness.send: a user is required");
        const contact = store.upsertContact({
          userId: opts.user,
          email: opts.email,
          properties: opts.contactProperties,
        });
        const result = ingest(
          world,
          { name: event, userKey: contact.key, properties: opts.properties ?? {} },
          { source: opts.source ?? "api", idempotencyKey: opts.idempotencyKey },
        );
        await drain();
        return { eventId: result.event.id, duplicate: result.duplicate, exits: result.exits };
      }),

    advance: (by) =>
      exclusive("advance", () => {
        const ms = typeof by === "number" ? by : parseDuration(by);
        if (!(ms >= 0)) throw new Error(`harness.advance: ${String(by)} is not a forward step`);
        return advanceTo(clock.nowMs() + ms);
      }),
    advanceTo: (at) => exclusive("advanceTo", () => advanceTo(new Date(at).getTime())),

    restart: () =>
      exclusive("restart", async () => {
        for (const run of [...world.runs]) await invoke(world, run);
        await drain();
      }),

    contact: (seed) => void store.upsertContact(seed),
    configure,

    sends: (userId) => mine(store.captured.sends, userId),
    checkpoints: (userId) => mine(store.captured.checkpoints, userId),
    triggers: (userId) => mine(store.captured.triggers, userId),
    exits: (userId) => mine(store.captured.exits, userId),
    skips: (userId) =>
      mine(
        logs()
          .filter((l) => l.kind === "skipped")
          .map((l) => ({ userId: l.userId, journeyId: l.journeyId, at: l.at, reason: l.message })),
        userId,
      ),
    events: (userId) =>
      mine(
        store.events.map((e) => ({
          id: e.id,
          name: e.name,
          userId: store.userIdOf(e.userKey),
          properties: e.properties,
          occurredAt: e.occurredAt,
          source: e.source,
        })),
        userId,
      ),
    state(userId, journeyId) {
      const key = keyOf(userId);
      const found = key ? store.latestState(key, journeyId) : undefined;
      return found ? snapshot(found) : undefined;
    },
    states: (userId) => mine(store.states.map(snapshot), userId),
    get logs() {
      return logs();
    },
  };
}

/** A harness for one journey. */
export function testJourney(
  journey: JourneyDefinition,
  options: Omit<JourneyHarnessOptions, "journeys"> = {},
): JourneyHarness {
  return createJourneyHarness({ ...options, journeys: [journey] });
}
