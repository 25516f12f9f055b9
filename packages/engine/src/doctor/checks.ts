/** One line of `hogsend doctor`: what was checked, how it went, and what to do about it. */
export interface DoctorCheck {
  name: string;
  /** `fail` fails the doctor when the check is required; `warn` and `skip` never do. */
  status: "ok" | "warn" | "fail" | "skip";
  detail: string;
  /** What to do next, for anything but `ok`. */
  fix?: string | undefined;
  /** A failed required check makes the doctor exit non-zero. */
  required: boolean;
  latencyMs?: number | undefined;
}

export const ok = (name: string, detail: string, latencyMs?: number): DoctorCheck => ({
  name,
  status: "ok",
  detail,
  required: true,
  ...(latencyMs === undefined ? {} : { latencyMs }),
});

export const fail = (name: string, detail: string, fix: string, required = true): DoctorCheck => ({
  name,
  status: required ? "fail" : "warn",
  detail,
  fix,
  required,
});

export const skip = (name: string, detail: string): DoctorCheck => ({
  name,
  status: "skip",
  detail,
  required: false,
});

/** Times an async probe; a rejection becomes its message. */
export async function timed<T>(
  probe: () => Promise<T>,
  timeoutMs: number,
): Promise<{ value: T; ms: number } | { error: string; ms: number }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const value = await Promise.race([
      probe(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { value, ms: Math.round(performance.now() - started) };
  } catch (err) {
    return { error: (err as Error).message, ms: Math.round(performance.now() - started) };
  } finally {
    clearTimeout(timer);
  }
}
