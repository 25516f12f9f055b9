import { createJourneyTasks } from "../journeys/journey-tasks.js";
import { heartbeatKey, startHeartbeat, workerInstanceId } from "../worker/heartbeat.js";
import { selectJourneys } from "../worker/select-journeys.js";
import type { Runtime } from "./create-runtime.js";

export interface WorkerOptions {
  name?: string;
  /** Concurrent task runs on this worker. */
  slots?: number;
}

/**
 * The worker run mode: registers the enabled journeys (ENABLED_JOURNEYS) as Hatchet durable
 * tasks and keeps a heartbeat in Redis. Email goes out through the runtime's dispatcher
 * (`runtime.start()`), not through Hatchet tasks.
 * `start()` resolves once the worker is connected; `stop()` lets in-flight steps finish for up to
 * SHUTDOWN_GRACE_MS (durable runs resume elsewhere) and stops the heartbeat.
 */
export async function createWorker(runtime: Runtime, options: WorkerOptions = {}) {
  const { client, mailer } = runtime;
  const journeys = selectJourneys(runtime.journeys.all, client.env.ENABLED_JOURNEYS);
  const name = options.name ?? "hogsend-worker";
  const worker = await client.hatchet.worker(name, {
    workflows: [...createJourneyTasks({ client, events: runtime.ingest, mailer }, journeys)],
    slots: options.slots ?? 50,
    // The run mode handles SIGTERM itself (grace timeout, heartbeat, pools); the SDK's own
    // handler would process.exit(0) as soon as tasks finish, cutting that short.
    handleKill: false,
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
    /** True when every step finished within the grace; false when it ran out (logged). */
    async stop(graceMs = client.env.SHUTDOWN_GRACE_MS): Promise<boolean> {
      // The SDK's stop waits for running steps with no bound of its own; a run the engine hands
      // back mid-stop must not hold the process (or a test's teardown) forever.
      let timer: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        worker.stop().then(
          () => true,
          (err: Error) => {
            client.logger.warn("worker stop failed", { error: err.message });
            return false;
          },
        ),
        new Promise<false>((resolve) => {
          timer = setTimeout(() => resolve(false), graceMs);
          timer.unref();
        }),
      ]);
      clearTimeout(timer);
      if (!finished)
        client.logger.warn(`steps still running after SHUTDOWN_GRACE_MS (${graceMs}ms); stopping anyway`);
      await heartbeat?.stop();
      return finished;
    },
  };
}
