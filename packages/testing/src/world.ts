import { setImmediate } from "node:timers/promises";
import type { TemplateRegistry } from "@hogsend/email";
import { type ExitRules, exitRulesOf, type JourneyDefinition } from "@hogsend/engine";
import { createVirtualClock, type VirtualClock } from "./clock.js";
import { createStore, type StateRecord, type Store, type StoredEvent } from "./store.js";

/** One durable call of a run, as Hatchet's event log keeps it: replays read the result back. */
export interface JournalEntry {
  kind: "clock" | "sleep" | "wait";
  done: boolean;
  value: unknown;
  /** Continues the invocation parked on this entry; null when no live invocation is attached. */
  resume: ((value: unknown) => void) | null;
  /** Drops the entry's timer and event wait (run cancelled or ended). */
  cancel: () => void;
}

/** One enrollment's Hatchet run: its state row, its durable journal, its current invocation. */
export interface Run {
  id: string;
  journey: JourneyDefinition;
  state: StateRecord;
  trigger: StoredEvent;
  journal: JournalEntry[];
  /** Cancelled by exitOn: nothing of it runs again. */
  cancelled: boolean;
  /** The current invocation has started and not yet returned. */
  executing: boolean;
  /** Signals the harness that the invocation parked on a durable step or ended. */
  parked: (() => void) | undefined;
  /** An error in the harness itself (not the journey), surfaced to the test. */
  fault: unknown;
}

/** A run's pending `waitFor` on an event, resolved by a matching delivery. */
export interface Waiter {
  run: Run;
  event: string;
  userKey: string;
  match: Record<string, string | number | boolean> | undefined;
  /** Only events logged after this position count. */
  afterSeq: number;
  deliver(event: StoredEvent): Promise<void>;
}

export interface World {
  journeys: JourneyDefinition[];
  /** The app's templates, when the harness was given them (see JourneyHarnessOptions). */
  templates: TemplateRegistry | undefined;
  /** EMAIL_FREQUENCY_CAP_PER_DAY; undefined: no cap. */
  frequencyCapPerDay: number | undefined;
  exitRules: ExitRules;
  clock: VirtualClock;
  store: Store;
  runs: Run[];
  /** Runs started so far, admitted or not: each gets its own run id, as on Hatchet. */
  attempts: number;
  waiters: Set<Waiter>;
  /** Stored events not yet delivered to journeys, in log order. */
  queue: StoredEvent[];
}

export function createWorld(
  journeys: JourneyDefinition[],
  start: Date,
  options: { templates?: TemplateRegistry | undefined; frequencyCapPerDay?: number | undefined } = {},
): World {
  const cap = options.frequencyCapPerDay;
  // The env refuses anything but a positive whole number too.
  if (cap !== undefined && !(Number.isInteger(cap) && cap > 0))
    throw new Error(`harness: frequencyCapPerDay ${String(cap)} is not a positive whole number`);
  const ids = new Set<string>();
  for (const { meta } of journeys) {
    if (ids.has(meta.id)) throw new Error(`journey id ${meta.id} is registered twice`);
    ids.add(meta.id);
  }
  return {
    journeys,
    templates: options.templates,
    frequencyCapPerDay: cap,
    exitRules: exitRulesOf(journeys),
    clock: createVirtualClock(start),
    store: createStore(),
    runs: [],
    attempts: 0,
    waiters: new Set(),
    queue: [],
  };
}

/**
 * Lets a run go on (`poke` resolves what it is parked on, or starts it) and returns once it
 * has parked again or ended. Journey code only waits through `ctx`, so this is deterministic.
 */
export async function wake(run: Run, poke: () => void): Promise<void> {
  const parked = new Promise<void>((resolve) => {
    run.parked = resolve;
  });
  poke();
  await parked;
  // Let anything the run queued behind its last await settle before the harness moves on.
  await setImmediate();
  if (run.fault) {
    const fault = run.fault;
    run.fault = undefined;
    throw fault;
  }
}
