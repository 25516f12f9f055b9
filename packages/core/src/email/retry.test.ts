import { describe, expect, it } from "vitest";
import { ProviderError, type ProviderErrorKind } from "./provider-error.js";
import { backoffDelayMs, DEFAULT_RETRY_POLICY, type RetryPolicy, retryProviderCall } from "./retry.js";

const policy: RetryPolicy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 2_000 };

function failure(kind: ProviderErrorKind, retryAfterMs?: number) {
  return new ProviderError({
    provider: "test",
    kind,
    reason: kind,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

describe("backoffDelayMs", () => {
  it("grows exponentially with jitter between half and the full step, capped", () => {
    const low = () => 0;
    const high = () => 0.999_999;
    expect([1, 2, 3, 4].map((a) => backoffDelayMs(a, failure("unavailable"), policy, low))).toEqual([
      50, 100, 200, 400,
    ]);
    expect([1, 2, 3, 4].map((a) => backoffDelayMs(a, failure("timeout"), policy, high))).toEqual([
      99, 199, 399, 799,
    ]);
    const capped: RetryPolicy = { maxAttempts: 20, baseDelayMs: 100, maxDelayMs: 1_000 };
    expect(backoffDelayMs(15, failure("unavailable"), capped, high)).toBeLessThanOrEqual(1_000);
  });

  it("never retries earlier than Retry-After, and adds a little jitter on top", () => {
    expect(backoffDelayMs(1, failure("rate_limited", 1_500), policy, () => 0)).toBe(1_500);
    const jittered = backoffDelayMs(1, failure("rate_limited", 1_500), policy, () => 0.999_999);
    expect(jittered).toBeGreaterThan(1_500);
    expect(jittered).toBeLessThanOrEqual(policy.maxDelayMs);
  });

  it("gives the error back instead of sleeping past the cap when Retry-After is longer", () => {
    expect(backoffDelayMs(1, failure("rate_limited", 60_000), policy)).toBeUndefined();
  });

  it("stops for permanent rejections and when attempts run out", () => {
    expect(backoffDelayMs(1, failure("rejected"), policy)).toBeUndefined();
    expect(backoffDelayMs(policy.maxAttempts, failure("unavailable"), policy)).toBeUndefined();
    expect(backoffDelayMs(policy.maxAttempts - 1, failure("unavailable"), policy)).toBeTypeOf("number");
  });
});

type Outcome = { ok: true; id: string } | { ok: false; error: ProviderError };

function scripted(outcomes: Outcome[]) {
  const calls: number[] = [];
  return {
    calls,
    call: async (attempt: number): Promise<Outcome> => {
      calls.push(attempt);
      const next = outcomes.shift();
      if (!next) throw new Error("called more often than scripted");
      return next;
    },
  };
}

describe("retryProviderCall", () => {
  it("retries retryable failures, honouring Retry-After, until one succeeds", async () => {
    const script = scripted([
      { ok: false, error: failure("rate_limited", 1_200) },
      { ok: false, error: failure("unavailable") },
      { ok: true, id: "msg_1" },
    ]);
    const slept: number[] = [];
    const retries: string[] = [];
    const result = await retryProviderCall(script.call, {
      policy,
      random: () => 0,
      sleep: async (ms) => {
        slept.push(ms);
      },
      onRetry: ({ attempt, error }) => retries.push(`${attempt}:${error.kind}`),
    });
    expect(result).toEqual({ ok: true, id: "msg_1", attempts: 3 });
    expect(script.calls).toEqual([1, 2, 3]);
    expect(slept).toEqual([1_200, 100]);
    expect(retries).toEqual(["1:rate_limited", "2:unavailable"]);
  });

  it("returns a permanent rejection at once, without sleeping", async () => {
    const script = scripted([{ ok: false, error: failure("rejected") }]);
    const slept: number[] = [];
    const result = await retryProviderCall(script.call, { sleep: async (ms) => void slept.push(ms) });
    expect(result.ok).toBe(false);
    expect(result.attempts).toBe(1);
    expect(!result.ok && result.error.kind).toBe("rejected");
    expect(slept).toEqual([]);
  });

  it("gives up after maxAttempts and returns the last failure", async () => {
    const script = scripted(
      Array.from({ length: 3 }, () => ({ ok: false, error: failure("timeout") }) as Outcome),
    );
    const result = await retryProviderCall(script.call, {
      policy: { maxAttempts: 3, baseDelayMs: 1 },
      sleep: async () => {},
    });
    expect(result.ok).toBe(false);
    expect(result.attempts).toBe(3);
    expect(script.calls).toEqual([1, 2, 3]);
  });

  it("sleeps for real by default", async () => {
    const script = scripted([
      { ok: false, error: failure("unavailable") },
      { ok: true, id: "x" },
    ]);
    const started = performance.now();
    const result = await retryProviderCall(script.call, { policy: { baseDelayMs: 40 }, random: () => 0 });
    expect(result.ok).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(19);
    expect(DEFAULT_RETRY_POLICY.maxAttempts).toBeGreaterThan(1);
  });
});
