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
          exclude: [...configDefaults.exclude, ...named(".int.test.ts"), ...named(".image.test.ts")],
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: named(".int.test.ts"),
          globalSetup: stackSetup,
        },
      },
      {
        extends: true,
        test: {
          name: "image",
          include: named(".image.test.ts"),
          globalSetup: stackSetup,
        },
      },
    ],
  },
});
