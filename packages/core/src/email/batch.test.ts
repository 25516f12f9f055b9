import { describe, expect, it } from "vitest";
import { type BatchLimits, planBatches, sendInBatches } from "./batch.js";
import type { EmailMessage, SendOutcome } from "./message.js";
import { ProviderError } from "./provider-error.js";
import { validateMessage } from "./validate-message.js";

const message = (n: number, overrides: Partial<EmailMessage> = {}): EmailMessage => ({
  from: "hello@acme.com",
  to: `user${n}@example.com`,
  subject: `S${n}`,
  html: "<p>x</p>",
  ...overrides,
});

const limits = (maxBatchSize: number, maxBatchBytes?: number): BatchLimits => ({
  maxBatchSize,
  ...(maxBatchBytes === undefined ? {} : { maxBatchBytes }),
  validate: (m) => validateMessage(m, { provider: "test", maxMessageBytes: 1_000 }),
});

describe("planBatches", () => {
  it("chunks valid messages by count, in order, and sets invalid ones aside", () => {
    const messages = Array.from({ length: 250 }, (_, i) => message(i, i === 7 ? { to: "nope" } : {}));
    const plan = planBatches(messages, limits(100));
    expect(plan.chunks.map((c) => c.length)).toEqual([100, 100, 49]);
    expect(plan.chunks.flat()).toEqual(messages.map((_, i) => i).filter((i) => i !== 7));
    expect([...plan.invalid.keys()]).toEqual([7]);
    expect(plan.invalid.get(7)?.kind).toBe("rejected");
    expect(planBatches([], limits(100))).toEqual({ chunks: [], invalid: new Map() });
    expect(() => planBatches(messages, limits(0))).toThrow(/positive integer/);
  });

  it("closes a chunk before it would pass the byte limit", () => {
    // Each message: subject "Sn" (2 bytes) + html "<p>x</p>" (8 bytes) = 10 bytes.
    const messages = Array.from({ length: 7 }, (_, i) => message(i));
    expect(planBatches(messages, limits(100, 30)).chunks).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(planBatches(messages, limits(2, 30)).chunks).toEqual([[0, 1], [2, 3], [4, 5], [6]]);
  });
});

describe("sendInBatches", () => {
  const ok = (chunk: EmailMessage[]): SendOutcome[] =>
    chunk.map((m) => ({ ok: true, providerMessageId: `id-${m.to}` }));

  it("sends the valid messages and answers every one in input order", async () => {
    const sent: string[][] = [];
    const messages = [message(1), message(2, { subject: "" }), message(3), message(4), message(5)];
    const outcomes = await sendInBatches(messages, limits(2), async (chunk) => {
      sent.push(chunk.map((m) => m.to));
      return ok(chunk);
    });
    expect(sent).toEqual([
      ["user1@example.com", "user3@example.com"],
      ["user4@example.com", "user5@example.com"],
    ]);
    expect(outcomes.map((o) => (o.ok ? o.providerMessageId : o.error.reason))).toEqual([
      "id-user1@example.com",
      "invalid message: `subject` is empty",
      "id-user3@example.com",
      "id-user4@example.com",
      "id-user5@example.com",
    ]);
  });

  it("stops after a retryable chunk failure and reports the rest with it", async () => {
    const limited = new ProviderError({
      provider: "test",
      kind: "rate_limited",
      reason: "slow",
      retryAfterMs: 1,
    });
    let calls = 0;
    const outcomes = await sendInBatches(
      Array.from({ length: 5 }, (_, i) => message(i)),
      limits(2),
      async (chunk) =>
        ++calls === 2 ? chunk.map(() => ({ ok: false as const, error: limited })) : ok(chunk),
    );
    expect(calls).toBe(2);
    expect(outcomes.map((o) => (o.ok ? "ok" : o.error.kind))).toEqual([
      "ok",
      "ok",
      "rate_limited",
      "rate_limited",
      "rate_limited",
    ]);
  });
});
