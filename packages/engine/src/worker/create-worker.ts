import type { HogsendClient } from "../client.js";
import type { JourneyDefinition } from "../journeys/define-journey.js";
import { createJourneyTasks } from "../journeys/journey-tasks.js";
import { heartbeatKey, startHeartbeat, workerInstanceId } from "./heartbeat.js";
import { selectJourneys } from "./select-journeys.js";

export interface WorkerContent {
  journeys: JourneyDefinition[];
}

export interface WorkerOptions {
  name?: string;
  /** Concurrent task runs on this worker. */
  slots?: number;
}

/**
 * The worker run mode: registers the enabled journeys as Hatchet durable tasks and keeps a
 * heartbeat in Redis. `start()` resolves once the worker is connected; `stop()` lets in-flight
 * steps finish (durable runs resume elsewhere) and stops the heartbeat.
 */
export async function createWorker(
  client: HogsendClient,
  content: WorkerContent,
  options: WorkerOptions = {},
) {
  const journeys = selectJourneys(content.journeys, client.env.ENABLED_JOURNEYS);
  const name = options.name ?? "hogsend-worker";
  const worker = await client.hatchet.worker(name, {
    workflows: createJourneyTasks(client, journeys),
    slots: options.slots ?? 50,
  });
  let heartbeat: { stop(): Promise<void> } | undefined;
  return {
    journeys: journeys.map((j) => j.meta.id),
    async start() {
      void worker.start();
      await worker.waitUntilReady(60_000);
      if (client.redis)
        heartbeat = startHeartbeat(
          client.redis,
          heartbeatKey(client.env.HATCHET_CLIENT_NAMESPACE),
          workerInstanceId(name),
        );
      client.logger.info(
        `worker ${name} ready: ${journeys.length} journey(s): ${journeys.map((j) => j.meta.id).join(", ")}`,
      );
    },
    async stop() {
      await worker.stop();
      await heartbeat?.stop();
    },
  };
}
