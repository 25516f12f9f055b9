/**
 * The worker run mode, whole: env → client → runtime → createWorker → start, then the runtime's
 * background loops. No port and no schema guard: deployments order it after migrate.
 */
import { loadEnv } from "../env.js";
import { createHogsendClient } from "../platform/client.js";
import { createRuntime, type RuntimeContent } from "./create-runtime.js";
import { createWorker } from "./create-worker.js";
import type { RunModeOptions } from "./run-api.js";

export async function runWorkerMode(content: RuntimeContent, options: RunModeOptions): Promise<void> {
  const env = loadEnv("worker");
  const client = createHogsendClient(env, { version: options.version, role: "worker" });
  const { logger } = client;

  const runtime = createRuntime(client, content);
  let worker: Awaited<ReturnType<typeof createWorker>> | undefined;
  let stopping = false;
  async function shutdown(signal: string) {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal} received: letting in-flight steps finish, then closing pools`);
    // Backstop, as in the api: closing pools has its own timeouts, but the process must end.
    setTimeout(() => {
      logger.error(`shutdown still running ${env.SHUTDOWN_GRACE_MS + 5_000}ms after ${signal}; exiting`);
      process.exit(1);
    }, env.SHUTDOWN_GRACE_MS + 5_000).unref();
    // Bounded by SHUTDOWN_GRACE_MS; past it, durable runs resume on another worker and other
    // tasks are retried by Hatchet.
    const finished = (await worker?.stop()) ?? true;
    await runtime.stop();
    await client.close();
    logger.info("worker stopped");
    process.exit(finished ? 0 : 1);
  }
  // on, not once: a relayed duplicate (pnpm passes the terminal's SIGINT on) must not kill the
  // drain; shutdown is idempotent, and its backstop timer ends a stop that hangs.
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));

  try {
    worker = await createWorker(runtime, { slots: env.WORKER_SLOTS });
    await worker.start();
    // The event outbox's pusher: events this worker records (ctx.trigger, email.*) reach Hatchet.
    runtime.start();
  } catch (err) {
    logger.error(`worker failed to start: ${(err as Error).message}`);
    await client.close();
    process.exit(1);
  }
}
