import { describe, expect, it } from "vitest";
import { AppError } from "../errors/app-error.js";
import { kindForStatus, ProviderError, parseRetryAfter } from "./provider-error.js";
import { PayloadFields, parseJsonObject } from "./webhook-payload.js";

describe("provider errors", () => {
  it.each([
    [429, "rate_limited"],
    [500, "unavailable"],
    [502, "unavailable"],
    [503, "unavailable"],
    [408, "timeout"],
    [400, "rejected"],
    [401, "rejected"],
    [422, "rejected"],
  ] as const)("HTTP %i is %s", (status, kind) => {
    expect(kindForStatus(status)).toBe(kind);
  });

  it("is an AppError whose retryable flag and code follow the kind", () => {
    const limited = new ProviderError({ provider: "resend", kind: "rate_limited", reason: "slow down" });
    expect(limited).toBeInstanceOf(AppError);
    expect(limited.retryable).toBe(true);
    expect(limited.code).toBe("RATE_LIMITED");
    expect(limited.message).toBe("resend rate_limited: slow down");
    const rejected = new ProviderError({
      provider: "resend",
      kind: "rejected",
      reason: "bad",
      providerStatus: 422,
    });
    expect(rejected.retryable).toBe(false);
    expect(rejected.code).toBe("VALIDATION_FAILED");
    const badKey = new ProviderError({
      provider: "resend",
      kind: "rejected",
      reason: "key",
      providerStatus: 403,
    });
    expect(badKey.code).toBe("INTERNAL");
    expect(new ProviderError({ provider: "p", kind: "timeout", reason: "t" }).code).toBe(
      "DEPENDENCY_UNAVAILABLE",
    );
  });

  it("never marks an outcome_unknown failure retryable: the message may have been accepted", () => {
    const unknown = new ProviderError({ provider: "postmark", kind: "outcome_unknown", reason: "no answer" });
    expect([unknown.retryable, unknown.code]).toEqual([false, "DEPENDENCY_UNAVAILABLE"]);
    expect(new ProviderError({ provider: "p", kind: "timeout", reason: "t" }).retryable).toBe(true);
  });

  it("reads Retry-After as seconds or an HTTP date", () => {
    const now = Date.parse("2026-11-20T09:00:00Z");
    expect(parseRetryAfter("2", now)).toBe(2_000);
    expect(parseRetryAfter(" 0.5 ", now)).toBe(500);
    expect(parseRetryAfter("Fri, 20 Nov 2026 09:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Fri, 20 Nov 2026 08:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe("PayloadFields", () => {
  it("names every missing or mistyped field", () => {
    const parsed = parseJsonObject(
      JSON.stringify({ a: { b: 1 }, when: "not a date", list: [], tags: { x: 1, y: "z" } }),
    );
    if (!parsed.ok) throw new Error("expected an object");
    const fields = new PayloadFields(parsed.value);
    expect(fields.string("a.b")).toBe("");
    expect(fields.string("missing")).toBe("");
    expect(Number.isNaN(fields.date("when").getTime())).toBe(true);
    expect(fields.stringArray("list")).toEqual([]);
    expect(fields.stringRecord("tags")).toEqual({ x: "1", y: "z" });
    expect(fields.issues).toEqual([
      { field: "a.b", message: "must be a string" },
      { field: "missing", message: "is required" },
      { field: "when", message: "must be an ISO-8601 timestamp" },
      { field: "list", message: "must be a non-empty array" },
    ]);
  });

  it("refuses bodies that are not a JSON object", () => {
    expect(parseJsonObject("{nope")).toEqual({
      ok: false,
      issues: [{ field: "body", message: "invalid JSON" }],
    });
    expect(parseJsonObject("[1]")).toEqual({
      ok: false,
      issues: [{ field: "body", message: "must be a JSON object" }],
    });
  });
});
