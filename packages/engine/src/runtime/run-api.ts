/**
 * The api run mode, whole: env → client → boot guard → first-boot credentials → runtime →
 * createApp → serve on PORT, then the runtime's background loops (the event outbox pusher, the
 * email redrive). A deployment's entry calls it with its content; so do the chaos run's.
 */
import { ensureBootstrapApiKey, ensureFirstAdmin } from "@hogsend/access";
import { loadEnv } from "../env.js";
import { type RunningServer, serveApp } from "../http/serve.js";
import { checkBootSchema } from "../platform/boot-guard.js";
import { createHogsendClient } from "../platform/client.js";
import { createApp } from "./create-app.js";
import { createRuntime, type RuntimeContent } from "./create-runtime.js";

export interface RunModeOptions {
  /** The deployment's version, reported by health and in logs. */
  version: string;
}

export async function runApiMode(content: RuntimeContent, options: RunModeOptions): Promise<void> {
  const env = loadEnv("api");
  const client = createHogsendClient(env, { version: options.version, role: "api" });
  const { logger } = client;

  // Signals are handled from the start, so a SIGTERM that lands while the api is still booting
  // shuts down cleanly instead of killing the process mid-boot.
  const runtime = createRuntime(client, content);
  let server: RunningServer | undefined;
  let stopping = false;
  async function shutdown(signal: string) {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal} received: draining requests and closing pools`);
    // The drain is bounded by SHUTDOWN_GRACE_MS and closing pools by their own timeouts; this is
    // the backstop for anything else that hangs, so the process always ends before a SIGKILL.
    setTimeout(() => {
      logger.error(`shutdown still running ${env.SHUTDOWN_GRACE_MS + 5_000}ms after ${signal}; exiting`);
      process.exit(1);
    }, env.SHUTDOWN_GRACE_MS + 5_000).unref();
    await server?.close();
    await runtime.stop();
    await client.close();
    logger.info("api stopped");
    process.exit(0);
  }
  // on, not once: a relayed duplicate (pnpm passes the terminal's SIGINT on) must not kill the
  // drain; shutdown is idempotent, and its backstop timer ends a stop that hangs.
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));

  try {
    if (!(await checkBootSchema(client))) {
      await client.close();
      process.exit(1);
    }
  } catch (err) {
    logger.error(
      "could not read the schema version from the database; is DATABASE_URL right and Postgres up?",
      { error: (err as Error).message },
    );
    await client.close();
    process.exit(1);
  }

  // First-boot credentials: both idempotent and safe when replicas boot at once. A failure here
  // (say, SKIP_SCHEMA_CHECK with tables missing) is logged, not fatal: the api still serves health.
  try {
    await ensureFirstAdmin(client, { email: env.STUDIO_ADMIN_EMAIL, password: env.STUDIO_ADMIN_PASSWORD });
    if (env.HOGSEND_BOOTSTRAP_API_KEY) await ensureBootstrapApiKey(client);
  } catch (err) {
    logger.error("could not mint first-boot credentials; run the migrate mode, then restart", {
      error: (err as Error).message,
    });
  }

  server = await serveApp(createApp(runtime), {
    port: env.PORT,
    logger,
    requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    drainTimeoutMs: env.SHUTDOWN_GRACE_MS,
  });
  runtime.start();
}
