import type { z } from "zod";

export interface EnvIssue {
  key: string;
  reason: string;
}

export type EnvResult<T> = { ok: true; env: T } | { ok: false; issues: EnvIssue[] };

/** Parses an env source against a schema, collecting every invalid key rather than the first. */
export function parseEnv<S extends z.ZodType>(
  schema: S,
  source: Record<string, string | undefined>,
): EnvResult<z.output<S>> {
  // Empty strings count as unset: `FOO=` in a .env file means "not configured".
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = schema.safeParse(cleaned, {
    error: (issue) => (issue.input === undefined ? "is required" : undefined),
  });
  if (result.success) return { ok: true, env: result.data };
  const issues = result.error.issues.map((issue) => ({
    key: issue.path.length > 0 ? issue.path.map(String).join(".") : "(env)",
    reason: issue.message,
  }));
  return { ok: false, issues };
}

/** The message printed before exiting: one line per invalid key, then what to do. */
export function formatEnvIssues(issues: EnvIssue[], target: string): string {
  const width = Math.max(...issues.map((i) => i.key.length));
  const lines = issues.map((i) => `  ${i.key.padEnd(width)}  ${i.reason}`);
  return [
    `Invalid environment for ${target} (${issues.length} problem${issues.length === 1 ? "" : "s"}):`,
    ...lines,
    "See .env.example for every variable, its default and whether it is required.",
  ].join("\n");
}
