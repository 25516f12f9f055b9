import { describe, expect, it } from "vitest";
import { createGroupCommit } from "./group-commit.js";

const tick = () => new Promise((r) => setTimeout(r, 5));

describe("createGroupCommit", () => {
  it("flushes a lone item at once and batches what arrives during a flush, one flush at a time", async () => {
    const flushes: number[][] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const group = createGroupCommit<number, number>(async (items) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      flushes.push(items);
      await tick();
      inFlight--;
      return items.map((i) => i * 10);
    });
    const results = await Promise.all([1, 2, 3, 4, 5].map((i) => group.submit(i)));
    expect(results).toEqual([10, 20, 30, 40, 50]);
    expect(flushes).toEqual([[1], [2, 3, 4, 5]]);
    expect(maxInFlight).toBe(1);
  });

  it("caps a flush at maxBatch", async () => {
    const sizes: number[] = [];
    const group = createGroupCommit<number, number>(
      async (items) => {
        sizes.push(items.length);
        await tick();
        return items;
      },
      { maxBatch: 3 },
    );
    await Promise.all(Array.from({ length: 10 }, (_, i) => group.submit(i)));
    expect(sizes).toEqual([1, 3, 3, 3]);
  });

  it("fails only the caller whose slot is an Error, and every caller of a flush that throws", async () => {
    let calls = 0;
    const group = createGroupCommit<number, number>(async (items) => {
      calls++;
      await tick();
      if (calls === 1) return items.map((i) => (i === 1 ? new Error("bad row") : i));
      throw new Error("database away");
    });
    const first = group.submit(1);
    const second = group.submit(2);
    await expect(first).rejects.toThrow("bad row");
    await expect(second).rejects.toThrow("database away");
    await expect(group.submit(3)).rejects.toThrow("database away");
    await group.idle();
  });
});
