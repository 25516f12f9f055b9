export interface Timer {
  at: number;
  seq: number;
  fire: () => Promise<void>;
}

export interface VirtualClock {
  now(): Date;
  nowMs(): number;
  /** Registers `fire` for virtual time `at`; nothing runs until the harness advances past it. */
  schedule(at: number, fire: () => Promise<void>): Timer;
  cancel(timer: Timer): void;
  /** Removes and returns the earliest timer due at or before `until` (ties: the first scheduled). */
  takeDue(until: number): Timer | undefined;
  /** Moves time forward; never backwards. */
  moveTo(at: number): void;
}

/** Time that moves only when told to, with timers fired in a deterministic order. */
export function createVirtualClock(start: Date): VirtualClock {
  let now = start.getTime();
  let seq = 0;
  const timers = new Set<Timer>();
  return {
    now: () => new Date(now),
    nowMs: () => now,
    schedule(at, fire) {
      const timer = { at, seq: ++seq, fire };
      timers.add(timer);
      return timer;
    },
    cancel: (timer) => void timers.delete(timer),
    takeDue(until) {
      let next: Timer | undefined;
      for (const t of timers) {
        if (t.at <= until && (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq))) next = t;
      }
      if (next) timers.delete(next);
      return next;
    },
    moveTo(at) {
      if (at > now) now = at;
    },
  };
}
