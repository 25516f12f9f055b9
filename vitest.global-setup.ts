import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { defaultClientMigrationsDir } from "@hogsend/db/env";
import { clientTrack, engineTrack, runMigrations } from "@hogsend/db/migrations";
import { ensureDatabase, existingServicesFromEnv, hogsendDir, startStack } from "@hogsend/devstack";
import type { ProvidedStack } from "@hogsend/devstack/testing";
import type { TestProject } from "vitest/node";

const TEMPLATE_DATABASE = "hogsend_template";

interface RunningStack {
  provided: ProvidedStack;
  stop(): Promise<void>;
}

/**
 * Starts real Postgres, Redis and Hatchet (reusing any given through DATABASE_URL / REDIS_URL /
 * HATCHET_CLIENT_TOKEN) and migrates a template database that each test file clones.
 */
async function startTestStack(): Promise<RunningStack> {
  const runId = `run_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const home = hogsendDir();
  const started = performance.now();
  const stack = await startStack({
    existing: existingServicesFromEnv(process.env),
    homeDir: home,
    name: join("test-runs", runId),
    ephemeral: true,
    preferHostPorts: false,
    requireRedis: true,
    database: "hogsend_test_admin",
  });
  try {
    const templateUrl = stack.postgres.url(TEMPLATE_DATABASE);
    const adminUrl = stack.postgres.url("postgres");
    await ensureDatabase(adminUrl, TEMPLATE_DATABASE);
    await runMigrations({
      databaseUrl: templateUrl,
      tracks: [engineTrack(), clientTrack(defaultClientMigrationsDir())],
    });
    console.log(
      `[test] stack ready in ${((performance.now() - started) / 1000).toFixed(1)}s (postgres: ${stack.postgres.source}, redis: ${stack.redis?.source}, hatchet: ${stack.hatchet.route})`,
    );
  } catch (err) {
    await stack.stop();
    throw err;
  }
  return {
    provided: {
      DATABASE_URL: stack.env.DATABASE_URL,
      REDIS_URL: stack.env.REDIS_URL ?? "",
      HATCHET_CLIENT_TOKEN: stack.env.HATCHET_CLIENT_TOKEN,
      HATCHET_CLIENT_HOST_PORT: stack.env.HATCHET_CLIENT_HOST_PORT,
      HATCHET_CLIENT_TLS_STRATEGY: stack.env.HATCHET_CLIENT_TLS_STRATEGY,
      HATCHET_CLIENT_NAMESPACE: runId,
      templateDatabase: TEMPLATE_DATABASE,
      hatchetRoute: stack.hatchet.route,
    },
    stop: async () => {
      await stack.stop();
      await rm(join(home, "test-runs", runId), { recursive: true, force: true });
    },
  };
}

/**
 * Vitest runs a project's global setup once per project, and the integration and image projects
 * both name this file. Both load it in the one main process, so the first starts the stack, the
 * second shares it, and the last teardown stops it.
 */
const SHARED = Symbol.for("hogsend.test-stack");
type Shared = { stack: Promise<RunningStack>; users: number };

export default async function setup(project: TestProject) {
  const global = globalThis as { [SHARED]?: Shared };
  const shared = global[SHARED] ?? { stack: startTestStack(), users: 0 };
  global[SHARED] = shared;
  shared.users++;
  const { provided, stop } = await shared.stack;
  project.provide("stack", provided);
  return async () => {
    if (--shared.users > 0) return;
    delete global[SHARED];
    await stop();
  };
}
