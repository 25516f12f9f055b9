import { claimPendingEvents } from "@hogsend/db";
import type { HogsendClient } from "../platform/client.js";
import { type BackgroundLoop, startIntervalLoop } from "../platform/interval-loop.js";
import type { EventPusher } from "./push-events.js";

export interface EventRedriveOptions {
  /** How often to look for pending events. */
  intervalMs?: number;
  /** Leave fresh events to their own request's push. */
  minAgeMs?: number;
  batchSize?: number;
}

/**
 * One event redrive pass: push every stored event still `pending` (Hatchet was unreachable)
 * and old enough, in batches; returns how many were pushed. Rows stay locked, and are skipped by
 * other replicas, until the batch's outcome is recorded.
 */
export async function redrivePendingEvents(
  client: Pick<HogsendClient, "db">,
  pusher: EventPusher,
  options: EventRedriveOptions = {},
): Promise<number> {
  const minAgeMs = options.minAgeMs ?? 10_000;
  const batchSize = options.batchSize ?? 200;
  let total = 0;
  while (true) {
    const pushed = await client.db.db.transaction(async (tx) => {
      const batch = await claimPendingEvents(tx, {
        olderThan: new Date(Date.now() - minAgeMs),
        limit: batchSize,
      });
      if (batch.length === 0) return -1;
      const result = await pusher.push(batch, tx);
      return result.pushed;
    });
    if (pushed <= 0) return total;
    total += pushed;
  }
}

/** Runs the event redrive on an interval until stopped. */
export function startEventRedriveLoop(
  client: Pick<HogsendClient, "db" | "logger">,
  pusher: EventPusher,
  options: EventRedriveOptions = {},
): BackgroundLoop {
  return startIntervalLoop(
    "event redrive",
    options.intervalMs ?? 15_000,
    async () => {
      const n = await redrivePendingEvents(client, pusher, options);
      return n > 0 ? `pushed ${n} pending event(s) to Hatchet` : undefined;
    },
    client.logger,
  );
}
