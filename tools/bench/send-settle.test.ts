import { describe, expect, it } from "vitest";
import { checkLedger, exactlyOnce, type SendRow, summarizeSends } from "./send-settle.js";

const row = (id: string, over: Partial<SendRow> = {}): SendRow => ({
  id,
  status: "sent",
  journey: false,
  providerMessageId: `msg-${id}`,
  reason: null,
  createdMs: 1_000,
  sentMs: 1_100,
  triggerMs: null,
  ...over,
});

describe("checkLedger", () => {
  it("passes when each sent row's key holds exactly its provider message id", () => {
    const check = checkLedger(
      [row("a"), row("b"), row("c", { status: "failed", providerMessageId: null })],
      { "hogsend-send-a": ["msg-a"], "hogsend-send-b": ["msg-b"] },
      0,
    );
    expect(check).toMatchObject({ checked: 2, missing: 0, mismatched: 0, duplicates: 0, unrecorded: 0 });
    expect(exactlyOnce(check)).toBe(true);
  });

  it("catches an email delivered twice, one never delivered, one recorded with another id, and one out but not recorded as sent", () => {
    const check = checkLedger(
      [row("a"), row("b"), row("c"), row("d", { status: "failed", providerMessageId: null })],
      {
        "hogsend-send-a": ["msg-a", "msg-a2"],
        "hogsend-send-c": ["msg-other"],
        "hogsend-send-d": ["msg-d"],
      },
      1,
    );
    expect(check).toMatchObject({
      checked: 3,
      missing: 1,
      mismatched: 1,
      duplicates: 1,
      unrecorded: 1,
      unkeyed: 1,
    });
    expect(check.samples).toContain("missing hogsend-send-b");
    expect(exactlyOnce(check)).toBe(false);
  });
});

describe("summarizeSends", () => {
  it("rates sent emails over first enqueue → last sent_at and times each from created_at", () => {
    const figures = summarizeSends([
      row("a", { createdMs: 0, sentMs: 500 }),
      row("b", { createdMs: 100, sentMs: 1_000, journey: true, triggerMs: 40 }),
      row("c", { createdMs: 200, sentMs: null, status: "failed", reason: "HTTP 422" }),
      row("d", { createdMs: 50, sentMs: 750 }),
    ]);
    expect(figures).toMatchObject({ sent: 3, failed: 1, spanMs: 1_000, failureSample: "HTTP 422" });
    expect(figures.emailsPerSecond).toBe(3);
    // First to last sent_at: all of them, and the POST /v1/emails ones up to their own last.
    expect(figures.dispatchPerSecond).toBe(6);
    expect(figures.dispatchPerSecondApi).toBe(8);
    expect(figures.latency).toMatchObject({ count: 3, p50: 700, max: 900 });
    expect(figures.latencyApi).toMatchObject({ count: 2, max: 700 });
    expect(figures.latencyJourney).toMatchObject({ count: 1, p50: 900 });
    expect(figures.triggerToEnqueue).toMatchObject({ count: 1, p50: 60 });
  });
});
