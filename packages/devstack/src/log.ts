/** Progress lines go to stderr so `pnpm infra up` can print `export` lines on stdout. */
export function logStep(message: string): void {
  process.stderr.write(`[devstack] ${message}\n`);
}

/** Runs `fn` and logs how long it took, so slow steps (builds, initdb) are visible. */
export async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await fn();
  logStep(`${label} (${((performance.now() - started) / 1000).toFixed(1)}s)`);
  return result;
}
