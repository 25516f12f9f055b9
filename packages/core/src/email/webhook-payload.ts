import type { WebhookFieldIssue } from "./events.js";

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The body as a JSON object, or the issue a 400 names. */
export function parseJsonObject(
  rawBody: string,
): { ok: true; value: JsonObject } | { ok: false; issues: WebhookFieldIssue[] } {
  let value: unknown;
  try {
    value = JSON.parse(rawBody);
  } catch {
    return { ok: false, issues: [{ field: "body", message: "invalid JSON" }] };
  }
  if (!isObject(value)) return { ok: false, issues: [{ field: "body", message: "must be a JSON object" }] };
  return { ok: true, value };
}

/**
 * Reads fields of an untrusted webhook payload by dotted path, collecting one issue per missing or
 * mistyped field so a 400 names them all. Readers return a placeholder on failure: check `issues`
 * before using the result.
 */
export class PayloadFields {
  readonly issues: WebhookFieldIssue[] = [];

  constructor(private readonly root: JsonObject) {}

  /** The raw value at `path` (undefined when any segment is missing). */
  at(path: string): unknown {
    let current: unknown = this.root;
    for (const segment of path.split(".")) {
      if (Array.isArray(current) && /^\d+$/.test(segment)) current = current[Number(segment)];
      else if (isObject(current)) current = current[segment];
      else return undefined;
    }
    return current;
  }

  private fail<T>(field: string, message: string, placeholder: T): T {
    this.issues.push({ field, message });
    return placeholder;
  }

  string(path: string): string {
    const value = this.at(path);
    if (typeof value === "string" && value !== "") return value;
    return this.fail(path, value === undefined || value === "" ? "is required" : "must be a string", "");
  }

  optionalString(path: string): string | undefined {
    const value = this.at(path);
    if (value === undefined || value === null || value === "") return undefined;
    return typeof value === "string" ? value : this.fail(path, "must be a string", undefined);
  }

  optionalBoolean(path: string): boolean | undefined {
    const value = this.at(path);
    if (value === undefined || value === null) return undefined;
    return typeof value === "boolean" ? value : this.fail(path, "must be a boolean", undefined);
  }

  /** An ISO-8601 timestamp. */
  date(path: string): Date {
    const text = this.string(path);
    if (text === "") return new Date(Number.NaN);
    const date = new Date(text);
    return Number.isNaN(date.getTime()) ? this.fail(path, "must be an ISO-8601 timestamp", date) : date;
  }

  /** A non-empty array of non-empty strings. */
  stringArray(path: string): string[] {
    const value = this.at(path);
    if (!Array.isArray(value) || value.length === 0) {
      return this.fail(path, value === undefined ? "is required" : "must be a non-empty array", []);
    }
    if (!value.every((v) => typeof v === "string" && v !== "")) {
      return this.fail(path, "must contain only strings", []);
    }
    return value as string[];
  }

  /** An optional object of scalar values, returned as strings (absent → empty). */
  stringRecord(path: string): Record<string, string> {
    const value = this.at(path);
    if (value === undefined || value === null) return {};
    if (!isObject(value)) return this.fail(path, "must be an object", {});
    const entries: [string, string][] = [];
    for (const [key, v] of Object.entries(value)) {
      const scalar = typeof v === "string" || typeof v === "number" || typeof v === "boolean";
      if (!scalar) return this.fail(`${path}.${key}`, "must be a string", {});
      entries.push([key, String(v)]);
    }
    return Object.fromEntries(entries);
  }
}
