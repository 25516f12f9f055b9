import { EMAIL_SENDS_CHANNEL } from "@hogsend/db";
import type { HogsendClient } from "../../platform/client.js";
import { createDrainLoop } from "../../platform/drain-loop.js";
import type { Mailer } from "./mailer.js";

export interface EmailDispatcherOptions {
  /** Sends per batch (claim, render, one provider call, one record). */
  batchSize?: number;
  /** Batches in flight at once. */
  concurrency?: number;
  /** The safety-net sweep: retries whose backoff ran out, claims gone stale, lost wake-ups. */
  sweepMs?: number;
}

export interface EmailDispatcher {
  wake(): void;
  /** Dispatches until nothing is due; returns how many sends it claimed. */
  drain(): Promise<number>;
  start(): void;
  /** Stops claiming, then waits for the batches in flight. */
  stop(): Promise<void>;
}

/**
 * The worker's email dispatcher: drains `email_sends` in batches. Woken by `enqueue` in this
 * process (the runtime hooks `mailer.onQueued`), by NOTIFY when another process (the api)
 * enqueued, and by a sweep. Several workers
 * share the queue: each batch is claimed with `FOR UPDATE SKIP LOCKED`.
 */
export function createEmailDispatcher(
  client: Pick<HogsendClient, "db" | "logger">,
  mailer: Mailer,
  options: EmailDispatcherOptions = {},
): EmailDispatcher {
  const batchSize = options.batchSize ?? 100;
  const concurrency = options.concurrency ?? 2;

  async function drainOnce(): Promise<number> {
    let total = 0;
    // `concurrency` lanes, each claiming its next batch as soon as its last one is recorded.
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (!loop.stopped) {
          const { claimed } = await mailer.dispatchBatch({ limit: batchSize });
          total += claimed;
          if (claimed < batchSize) return;
        }
      }),
    );
    return total;
  }

  const loop = createDrainLoop(client, {
    name: "email dispatcher",
    channel: EMAIL_SENDS_CHANNEL,
    sweepMs: options.sweepMs ?? 5_000,
    drainOnce,
  });
  return {
    wake: loop.wake,
    async drain() {
      return (await loop.drain()).reduce((a, b) => a + b, 0);
    },
    start: loop.start,
    stop: loop.stop,
  };
}
