import { describe, expect, it } from "vitest";
import { eventually } from "./eventually.js";

describe("eventually", () => {
  it("probes until the value is truthy and resolves with it", async () => {
    let calls = 0;
    const value = await eventually("the third probe", () => ++calls >= 3 && { calls }, { intervalMs: 5 });
    expect(value).toEqual({ calls: 3 });
    expect(calls).toBe(3);
  });

  it("takes async probes, and a throwing probe as not yet", async () => {
    let calls = 0;
    const value = await eventually(
      "a server that refuses twice",
      async () => {
        if (++calls < 3) throw new Error("ECONNREFUSED");
        return "up";
      },
      { intervalMs: 5 },
    );
    expect(value).toBe("up");
  });

  it("gives up after timeoutMs, naming what it waited for and the last error", async () => {
    const started = Date.now();
    let calls = 0;
    const waiting = eventually(
      "the worker",
      () => {
        calls++;
        throw new Error("not registered");
      },
      { timeoutMs: 150, intervalMs: 20 },
    );
    await expect(waiting).rejects.toThrow(
      "timed out after 150 ms waiting for the worker (last error: Error: not registered)",
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(calls).toBeGreaterThan(2);
  });

  it("probes once more at the deadline, however long the interval", async () => {
    let ready = false;
    setTimeout(() => {
      ready = true;
    }, 50);
    await expect(eventually("the flag", () => ready, { timeoutMs: 100, intervalMs: 10_000 })).resolves.toBe(
      true,
    );
  });
});
