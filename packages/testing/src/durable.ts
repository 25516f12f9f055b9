import { parseDuration } from "@hogsend/core";
import type { StoredEvent } from "./store.js";
import { type JournalEntry, type Run, type Waiter, type World, wake } from "./world.js";

export type WaitOutcome = { kind: "timeout" } | { kind: "event"; event: StoredEvent };

/**
 * The Hatchet durable calls the journey context is built on, in virtual time: `clock` is the
 * memoized `now()` (plus the event-log position), `sleepFor` a durable sleep, `waitFor` the
 * `Or(sleep, user event)` wait. Each call takes the next slot of the run's journal; a replay
 * gets the recorded result back, and a replay that asks for something else fails the run as
 * Hatchet's non-determinism check would.
 */
export interface DurableSteps {
  clock(): Promise<{ at: Date; seq: number }>;
  sleepFor(duration: `${number}s`): Promise<void>;
  waitFor(condition: {
    timeout: `${number}s`;
    event: string;
    userKey: string;
    match: Record<string, string | number | boolean> | undefined;
    afterSeq: number;
  }): Promise<WaitOutcome>;
}

export function createDurableSteps(world: World, run: Run): DurableSteps {
  const { clock, store, waiters } = world;
  let cursor = 0;

  function replayed(kind: JournalEntry["kind"]): { index: number; entry: JournalEntry | undefined } {
    const index = cursor++;
    const entry = run.journal[index];
    if (entry && entry.kind !== kind) {
      throw new Error(
        `non-deterministic replay of ${run.journey.meta.id}: durable step ${index + 1} was ${entry.kind}, now ${kind}`,
      );
    }
    return { index, entry };
  }

  /** Parks the invocation on a pending entry, registering its trigger the first time. */
  function park<T>(
    kind: JournalEntry["kind"],
    register: (complete: (value: T) => Promise<void>) => () => void,
  ): Promise<T> {
    const { index, entry: existing } = replayed(kind);
    if (existing?.done) return Promise.resolve(existing.value as T);
    if (!existing && run.journal.some((e) => !e.done)) {
      throw new Error(
        `${run.journey.meta.id}: a durable step started while another is pending; await each ctx call in turn`,
      );
    }
    return new Promise<T>((resolve) => {
      const entry: JournalEntry = existing ?? {
        kind,
        done: false,
        value: undefined,
        resume: null,
        cancel: () => {},
      };
      entry.resume = resolve as (value: unknown) => void;
      if (!existing) {
        run.journal[index] = entry;
        entry.cancel = register(async (value) => {
          entry.done = true;
          entry.value = value;
          entry.cancel = () => {};
          const resume = entry.resume;
          // A run that was cancelled, or whose replay went another way and ended, stays put.
          if (!resume || run.cancelled || !run.executing) return;
          await wake(run, () => resume(value));
        });
      }
      run.parked?.();
    });
  }

  return {
    async clock() {
      const { index, entry } = replayed("clock");
      const value = (entry?.value as { at: number; seq: number } | undefined) ?? {
        at: clock.nowMs(),
        seq: store.lastEventSeq(),
      };
      if (!entry) run.journal[index] = { kind: "clock", done: true, value, resume: null, cancel: () => {} };
      return { at: new Date(value.at), seq: value.seq };
    },

    sleepFor(duration) {
      return park<void>("sleep", (complete) => {
        const timer = clock.schedule(clock.nowMs() + parseDuration(duration), () => complete(undefined));
        return () => clock.cancel(timer);
      });
    },

    waitFor(condition) {
      return park<WaitOutcome>("wait", (complete) => {
        const waiter: Waiter = {
          run,
          event: condition.event,
          userKey: condition.userKey,
          match: condition.match,
          afterSeq: condition.afterSeq,
          deliver: (event) => {
            clock.cancel(timer);
            waiters.delete(waiter);
            return complete({ kind: "event", event });
          },
        };
        const timer = clock.schedule(clock.nowMs() + parseDuration(condition.timeout), () => {
          waiters.delete(waiter);
          return complete({ kind: "timeout" });
        });
        waiters.add(waiter);
        return () => {
          clock.cancel(timer);
          waiters.delete(waiter);
        };
      });
    },
  };
}

/** Whether a stored event ends this wait, as Hatchet's user-event condition decides: name, user, correlation, not before the wait. */
export function waitMatches(waiter: Waiter, event: StoredEvent): boolean {
  if (event.name !== waiter.event || event.userKey !== waiter.userKey || event.seq <= waiter.afterSeq)
    return false;
  return Object.entries(waiter.match ?? {}).every(
    ([property, value]) => event.properties[property] === value,
  );
}

/** Stops a run for good: its pending sleep or wait is dropped and it never resumes. */
export function cancelRun(run: Run): void {
  run.cancelled = true;
  for (const entry of run.journal) if (!entry.done) entry.cancel();
}
