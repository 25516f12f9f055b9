import { availableParallelism } from "node:os";
import { configDefaults, defineConfig } from "vitest/config";

/**
 * Three projects, told apart by the test file's name:
 * - `*.test.ts`: unit. No services, no build: `pnpm test:unit` runs them in seconds.
 * - `*.int.test.ts`: integration. Real Postgres, Redis and Hatchet, started once per run by the
 *   global setup; each file clones its own database.
 * - `*.image.test.ts`: the built api (`apps/api/dist`, which `pnpm test` builds first), usually
 *   with the stack too.
 */
const roots = ["packages/*/src", "packages/*/test", "apps/*/src", "apps/*/test", "tools"];
const named = (suffix: string) => roots.map((root) => `${root}/**/*${suffix}`);
const stackSetup = ["./vitest.global-setup.ts"];

/**
 * Files that need the stack but still carry the plain `.test.ts` name, because their folders are
 * being moved in parallel work (the engine's bounded contexts, the tooling tests going to tools/).
 * Delete each entry once its file is renamed `*.int.test.ts` / `*.image.test.ts`.
 */
const awaitingRename = {
  integration: [
    "packages/engine/src/auth/access.test.ts",
    "packages/engine/src/health/health.test.ts",
    "packages/engine/src/ingest/emit-contact-event.test.ts",
    "packages/engine/src/ingest/ingest.test.ts",
    "packages/engine/src/journeys/admit.test.ts",
    "packages/engine/src/routes/admin/contact-preferences.test.ts",
    "packages/engine/src/routes/admin/contacts.test.ts",
    "packages/engine/src/routes/admin/emails.test.ts",
    "packages/engine/src/routes/admin/events.test.ts",
    "packages/engine/src/routes/admin/journeys.test.ts",
    "packages/engine/src/routes/admin/templates.test.ts",
    "packages/engine/src/routes/dev-outbox.test.ts",
    "packages/engine/src/routes/email-preferences.test.ts",
    "packages/engine/src/routes/email-tracking.test.ts",
    "packages/engine/src/routes/email-webhooks.test.ts",
    "apps/api/test/dev-command.test.ts",
  ],
  image: ["apps/api/test/bench-ingest.test.ts", "apps/api/test/image-preflight.test.ts"],
};

export default defineConfig({
  test: {
    pool: "forks",
    // Integration files mostly wait (on Hatchet, child processes, the network), so two run at
    // once even on two cores, where vitest's default (cores - 1) would run them one by one.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 60_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: named(".test.ts"),
          // One process for all unit files, sharing its module cache: importing the engine and the
          // SDKs once instead of per file is most of the saving. So a unit test must leave no
          // global state behind (env, timers, mocks, globals).
          poolOptions: { forks: { singleFork: true, isolate: false } },
          exclude: [
            ...configDefaults.exclude,
            ...named(".int.test.ts"),
            ...named(".image.test.ts"),
            ...awaitingRename.integration,
            ...awaitingRename.image,
          ],
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: [...named(".int.test.ts"), ...awaitingRename.integration],
          globalSetup: stackSetup,
        },
      },
      {
        extends: true,
        test: {
          name: "image",
          include: [...named(".image.test.ts"), ...awaitingRename.image],
          globalSetup: stackSetup,
        },
      },
    ],
  },
});
