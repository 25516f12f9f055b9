export interface GroupCommitOptions {
  /** Most items in one flush. */
  maxBatch?: number;
}

export interface GroupCommit<I, O> {
  /** Resolves with this item's own outcome once the flush that carried it has committed. */
  submit(item: I): Promise<O>;
  /** Resolves when nothing is queued or in flight. */
  idle(): Promise<void>;
}

/**
 * Group commit: concurrent callers share one flush, one flush in flight at a time. The first item
 * flushes at once (no linger, so a lone request pays nothing); items that arrive while a flush is
 * in flight ride the next one, up to `maxBatch`. Under load the batch size follows the arrival
 * rate times the flush time, which is what turns one commit per event into one per batch.
 *
 * `flush` returns one outcome per item, in order; an `Error` in a slot fails that caller alone.
 * A flush that throws fails every item in it. Nothing is acknowledged before its flush resolves.
 */
export function createGroupCommit<I, O>(
  flush: (items: I[]) => Promise<(O | Error)[]>,
  options: GroupCommitOptions = {},
): GroupCommit<I, O> {
  const maxBatch = options.maxBatch ?? 256;
  type Waiting = { item: I; resolve: (o: O) => void; reject: (err: unknown) => void };
  let queue: Waiting[] = [];
  let inFlight: Promise<void> | undefined;

  function next() {
    if (inFlight || queue.length === 0) return;
    const batch = queue.slice(0, maxBatch);
    queue = queue.slice(batch.length);
    inFlight = run(batch).finally(() => {
      inFlight = undefined;
      next();
    });
  }

  async function run(batch: Waiting[]) {
    try {
      const outcomes = await flush(batch.map((w) => w.item));
      batch.forEach((w, i) => {
        const outcome = outcomes[i];
        if (outcome instanceof Error) w.reject(outcome);
        else if (outcome === undefined) w.reject(new Error("group commit: the flush returned no outcome"));
        else w.resolve(outcome);
      });
    } catch (err) {
      for (const w of batch) w.reject(err);
    }
  }

  return {
    submit(item) {
      return new Promise<O>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        next();
      });
    },
    async idle() {
      while (inFlight) await inFlight;
    },
  };
}
