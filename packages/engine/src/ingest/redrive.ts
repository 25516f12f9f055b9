import { claimPendingEvents } from "@hogsend/db";
import type { HogsendClient } from "../client.js";
import { pushEvents } from "./push-events.js";

export interface RedriveOptions {
  /** How often to look for pending events. */
  intervalMs?: number;
  /** Leave fresh events to their own request's push. */
  minAgeMs?: number;
  batchSize?: number;
}

/** One pass: push every pending event old enough, in batches; returns how many were pushed. */
export async function redrivePendingEvents(
  client: HogsendClient,
  options: RedriveOptions = {},
): Promise<number> {
  const minAgeMs = options.minAgeMs ?? 10_000;
  const batchSize = options.batchSize ?? 200;
  let total = 0;
  while (true) {
    // Rows stay locked (skip locked for other replicas) until this batch's outcome is recorded.
    const pushed = await client.db.db.transaction(async (tx) => {
      const batch = await claimPendingEvents(tx, {
        olderThan: new Date(Date.now() - minAgeMs),
        limit: batchSize,
      });
      if (batch.length === 0) return -1;
      const result = await pushEvents(client, batch, tx);
      return result.pushed;
    });
    if (pushed <= 0) return total;
    total += pushed;
  }
}

/** Runs the redrive pass on an interval until stopped. */
export function startRedriveLoop(
  client: HogsendClient,
  options: RedriveOptions = {},
): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = redrivePendingEvents(client, options)
      .then((n) => {
        if (n > 0) client.logger.info(`redrove ${n} pending event(s) to Hatchet`);
      })
      .catch((err: Error) => client.logger.warn("event redrive pass failed", { error: err.message }));
  }, options.intervalMs ?? 15_000);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
