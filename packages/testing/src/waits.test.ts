import { defineJourney } from "@hogsend/engine";
import { describe, expect, it } from "vitest";
import { testJourney } from "./index.js";

/** Waits an hour for this order's paid checkout, then branches. */
const checkout = defineJourney({
  meta: {
    id: "checkout",
    name: "Checkout",
    enabled: true,
    trigger: { event: "order_placed" },
    entryLimit: "unlimited",
  },
  async run(user, ctx) {
    const orderId = String(user.event.properties.orderId);
    const paid = await ctx.waitForEvent({
      event: "checkout_completed",
      timeout: "1h",
      match: { orderId },
      where: [{ property: "total", op: "gt", value: 0 }],
    });
    if (paid.timedOut) await ctx.checkpoint("abandoned");
    else await ctx.checkpoint("paid", { total: paid.properties.total, at: paid.occurredAt?.toISOString() });
  },
});

const steps = (h: ReturnType<typeof testJourney>, userId: string) => h.checkpoints(userId).map((c) => c.name);

describe("waitForEvent in virtual time", () => {
  it("times out exactly at its deadline", async () => {
    const h = testJourney(checkout);
    await h.send("order_placed", { user: "u1", properties: { orderId: "o1" } });
    expect(h.state("u1", "checkout")).toMatchObject({
      status: "waiting",
      currentStep: "wait:checkout_completed",
      waitDeadline: new Date("2025-01-01T01:00:00Z"),
    });
    await h.advance(3_599_999);
    expect(steps(h, "u1")).toEqual([]);
    await h.advance(1);
    expect(steps(h, "u1")).toEqual(["abandoned"]);
    expect(h.state("u1", "checkout")).toMatchObject({
      status: "completed",
      waitDeadline: null,
      finishedAt: new Date("2025-01-01T01:00:00Z"),
    });
  });

  it("resumes on the awaited event with its properties and time", async () => {
    const h = testJourney(checkout);
    await h.send("order_placed", { user: "u1", properties: { orderId: "o1" } });
    await h.advance("30m");
    await h.send("checkout_completed", { user: "u1", properties: { orderId: "o1", total: 42 } });
    expect(h.checkpoints("u1")).toMatchObject([
      {
        name: "paid",
        data: { total: 42, at: "2025-01-01T00:30:00.000Z" },
        at: new Date("2025-01-01T00:30:00Z"),
      },
    ]);
    expect(h.state("u1", "checkout")?.status).toBe("completed");
    // The timeout that no longer applies fires nothing later.
    await h.advance("2h");
    expect(steps(h, "u1")).toEqual(["paid"]);
  });

  it("is ended only by this user's event carrying the correlated value", async () => {
    const h = testJourney(checkout);
    await h.send("order_placed", { user: "u1", properties: { orderId: "101" } });
    await h.send("checkout_completed", { user: "u1", properties: { orderId: "102", total: 5 } });
    await h.send("checkout_completed", { user: "u2", properties: { orderId: "101", total: 5 } });
    await h.send("checkout_completed", { user: "u1", properties: { total: 5 } });
    // The same value with another type is another value, as in Hatchet's CEL filter.
    await h.send("checkout_completed", { user: "u1", properties: { orderId: 101, total: 5 } });
    expect(h.state("u1", "checkout")?.status).toBe("waiting");

    await h.send("checkout_completed", { user: "u1", properties: { orderId: "101", total: 7 } });
    expect(h.checkpoints("u1")).toMatchObject([{ name: "paid", data: { total: 7 } }]);
  });

  it("is not ended by the event that started the run", async () => {
    const debounce = defineJourney({
      meta: {
        id: "debounce",
        name: "Debounce",
        enabled: true,
        trigger: { event: "edited" },
        entryLimit: "unlimited",
      },
      async run(_user, ctx) {
        const again = await ctx.waitForEvent({ event: "edited", timeout: "10m" });
        await ctx.checkpoint(again.timedOut ? "settled" : "edited-again");
      },
    });
    const h = testJourney(debounce);
    await h.send("edited", { user: "u1" });
    expect(h.state("u1", "debounce")?.status).toBe("waiting");
    await h.send("edited", { user: "u1" });
    expect(h.checkpoints("u1").map((c) => c.name)).toEqual(["edited-again"]);
    // The second edit found the first run live ("already active"), so it started nothing.
    expect(h.skips("u1").map((s) => s.reason)).toEqual(["already active"]);
  });

  it("keeps waiting past an event that fails `where`, within the same deadline", async () => {
    const h = testJourney(checkout);
    await h.send("order_placed", { user: "u1", properties: { orderId: "o1" } });
    await h.advance("10m");
    await h.send("checkout_completed", { user: "u1", properties: { orderId: "o1", total: 0 } });
    expect(h.state("u1", "checkout")).toMatchObject({
      status: "waiting",
      waitDeadline: new Date("2025-01-01T01:00:00Z"),
    });
    await h.send("checkout_completed", { user: "u1", properties: { orderId: "o1", total: 3 } });
    expect(h.checkpoints("u1")).toMatchObject([{ name: "paid", data: { total: 3 } }]);
  });

  it("does not count events from before the wait started", async () => {
    const later = defineJourney({
      meta: { id: "later", name: "Later", enabled: true, trigger: { event: "go" }, entryLimit: "unlimited" },
      async run(_user, ctx) {
        await ctx.sleep("1d");
        const done = await ctx.waitForEvent({ event: "ping", timeout: "1d" });
        await ctx.checkpoint(done.timedOut ? "no-ping" : "ping");
      },
    });
    const h = testJourney(later);
    await h.send("go", { user: "early" });
    await h.send("go", { user: "ontime" });
    await h.send("ping", { user: "early" });
    await h.advance("1d");
    await h.send("ping", { user: "ontime" });
    await h.advance("1d");
    expect(steps(h, "early")).toEqual(["no-ping"]);
    expect(steps(h, "ontime")).toEqual(["ping"]);
  });

  it("stores a repeated idempotency key once: it wakes nothing the second time", async () => {
    const counter = defineJourney({
      meta: { id: "count", name: "Count", enabled: true, trigger: { event: "go" }, entryLimit: "unlimited" },
      async run(_user, ctx) {
        for (let i = 0; i < 2; i++) {
          const tick = await ctx.waitForEvent({ event: "tick", timeout: "1h" });
          await ctx.checkpoint(tick.timedOut ? `timeout-${i}` : `tick-${i}`);
        }
      },
    });
    const h = testJourney(counter);
    await h.send("go", { user: "u1" });
    expect(await h.send("tick", { user: "u1", idempotencyKey: "t-1" })).toMatchObject({ duplicate: false });
    expect(await h.send("tick", { user: "u1", idempotencyKey: "t-1" })).toMatchObject({ duplicate: true });
    await h.advance("1h");
    expect(steps(h, "u1")).toEqual(["tick-0", "timeout-1"]);
  });

  it("fails the run on a correlation property Hatchet's filter cannot express, as the runtime does", async () => {
    const bad = defineJourney({
      meta: { id: "bad", name: "Bad", enabled: true, trigger: { event: "go" }, entryLimit: "unlimited" },
      async run(_user, ctx) {
        await ctx.waitForEvent({ event: "x", timeout: "1h", match: { "order.id": "1" } });
      },
    });
    const h = testJourney(bad);
    await h.send("go", { user: "u1" });
    expect(h.state("u1", "bad")).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/plain identifier/),
    });
    expect(h.events("u1").map((e) => e.name)).toEqual(["go", "journey.failed"]);
  });
});
