import { exitCheckApplies } from "@hogsend/engine";
import { cancelRun } from "./durable.js";
import type { StoredEvent } from "./store.js";
import type { World } from "./world.js";

/**
 * The ingest pipeline in memory: store once per idempotency key, run the exit check, queue
 * the event for delivery to journeys. Whether an event may end enrollments is the engine's
 * `exitCheckApplies(source)`, as in the runtime's ingest: `api` events do, the `journey:<id>`
 * events journeys emit (`ctx.trigger`, journey.completed) do not.
 */
export function ingest(
  world: World,
  input: { name: string; userKey: string; properties: Record<string, unknown> },
  options: { source: string; idempotencyKey?: string | undefined },
): { event: StoredEvent; duplicate: boolean; exits: number } {
  const { event, duplicate } = world.store.insertEvent(
    { ...input, occurredAt: world.clock.now(), source: options.source },
    options.idempotencyKey,
  );
  if (duplicate) return { event, duplicate, exits: 0 };
  // Exit before delivery: a state is ended before any journey could react to this event.
  const exits = exitCheckApplies(options.source) ? runExitCheck(world, event) : 0;
  world.queue.push(event);
  return { event, duplicate, exits };
}

/** Ends this user's live enrollments in every journey that exits on the event, and cancels their runs. */
function runExitCheck(world: World, event: StoredEvent): number {
  const { store, clock } = world;
  let exits = 0;
  for (const journeyId of world.exitRules.get(event.name) ?? []) {
    const state = store.liveState(event.userKey, journeyId);
    if (!state) continue;
    const reason = `exitOn:${event.name}`;
    store.finishState(state, { status: "exited", exitReason: reason }, clock.now());
    const run = world.runs.find((r) => r.state === state);
    if (run) cancelRun(run);
    store.captured.exits.push({
      userId: store.userIdOf(event.userKey),
      journeyId,
      at: clock.now(),
      reason,
      by: "exitOn",
    });
    exits++;
  }
  return exits;
}
