export interface EventuallyOptions {
  /** Give up after this long (default 45 s: inside the 60 s test timeout, with room for a busy engine). */
  timeoutMs?: number;
  /** Pause between probes (default 200 ms). */
  intervalMs?: number;
}

/**
 * Probes until `probe` returns a truthy value and resolves with it; for state that another
 * process (a worker, the Hatchet engine, a server) reaches in its own time. A probe that throws
 * counts as "not yet"; on timeout the error names `what` and quotes the last thrown error.
 */
export async function eventually<T>(
  what: string,
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  options: EventuallyOptions = {},
): Promise<T> {
  const { timeoutMs = 45_000, intervalMs = 200 } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      lastError = err;
    }
    const left = deadline - Date.now();
    if (left <= 0) break;
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, left)));
  }
  const cause = lastError === undefined ? "" : ` (last error: ${String(lastError)})`;
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`, { cause: lastError });
}
