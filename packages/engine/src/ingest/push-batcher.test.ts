import { describe, expect, it } from "vitest";
import { createPushBatcher, type PushItem } from "./push-batcher.js";

const item = (name: string, n: number): PushItem<{ n: number }> => ({
  name,
  payload: { n },
  scope: `u${n}`,
  metadata: { eventId: String(n) },
});

describe("createPushBatcher", () => {
  it("sends concurrent pushes as one bulk call per event name, in arrival order", async () => {
    const calls: { name: string; ns: number[] }[] = [];
    const batcher = createPushBatcher<{ n: number }>(async (name, items) => {
      calls.push({ name, ns: items.map((i) => i.payload.n) });
    });
    await Promise.all([batcher.push(item("a", 1)), batcher.push(item("b", 2)), batcher.push(item("a", 3))]);
    expect(calls).toEqual([
      { name: "a", ns: [1, 3] },
      { name: "b", ns: [2] },
    ]);
  });

  it("flushes at maxBatch without waiting for the linger", async () => {
    const sizes: number[] = [];
    const batcher = createPushBatcher<{ n: number }>(
      async (_name, items) => {
        sizes.push(items.length);
      },
      { maxBatch: 2, lingerMs: 60_000 },
    );
    await Promise.all([batcher.push(item("a", 1)), batcher.push(item("a", 2))]);
    expect(sizes).toEqual([2]);
  });

  it("rejects every push of a failed bulk call and keeps later batches working", async () => {
    let fail = true;
    const batcher = createPushBatcher<{ n: number }>(async () => {
      if (fail) throw new Error("engine unavailable");
    });
    const results = await Promise.allSettled([batcher.push(item("a", 1)), batcher.push(item("a", 2))]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    fail = false;
    await expect(batcher.push(item("a", 3))).resolves.toBeUndefined();
  });
});
