/** A test on one property; dotted paths reach into nested objects (`plan.tier`). */
export type Condition =
  | { property: string; op: "eq" | "neq"; value: unknown }
  | { property: string; op: "gt" | "gte" | "lt" | "lte"; value: number | string }
  | { property: string; op: "exists" | "not_exists" }
  | { property: string; op: "contains"; value: string | number | boolean }
  | { property: string; op: "in"; value: readonly unknown[] };

/** Reads a dotted path; undefined when any step is missing. */
export function readPath(source: Record<string, unknown>, path: string): unknown {
  let value: unknown = source;
  for (const key of path.split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function compare(a: unknown, b: number | string): number | undefined {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "string" && typeof b === "string") {
    // ISO timestamps and other strings compare lexically; numbers-as-strings compare numerically.
    const na = Number(a);
    const nb = Number(b);
    if (a.trim() !== "" && b.trim() !== "" && !Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  return undefined;
}

/** Whether one condition holds for `source`. Type mismatches are false, never a throw. */
export function evaluateCondition(condition: Condition, source: Record<string, unknown>): boolean {
  const actual = readPath(source, condition.property);
  switch (condition.op) {
    case "exists":
      return actual !== undefined && actual !== null;
    case "not_exists":
      return actual === undefined || actual === null;
    case "eq":
      return actual === condition.value;
    case "neq":
      return actual !== condition.value;
    case "gt":
    case "gte":
    case "lt":
    case "lte": {
      const c = compare(actual, condition.value);
      if (c === undefined) return false;
      return condition.op === "gt"
        ? c > 0
        : condition.op === "gte"
          ? c >= 0
          : condition.op === "lt"
            ? c < 0
            : c <= 0;
    }
    case "contains":
      if (typeof actual === "string") return actual.includes(String(condition.value));
      if (Array.isArray(actual)) return actual.includes(condition.value);
      return false;
    case "in":
      return condition.value.includes(actual);
  }
}

/** All conditions hold (an empty list holds). */
export function evaluateConditions(
  conditions: readonly Condition[] | undefined,
  source: Record<string, unknown>,
): boolean {
  return (conditions ?? []).every((c) => evaluateCondition(c, source));
}
