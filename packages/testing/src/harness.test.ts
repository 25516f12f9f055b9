import { defineJourney } from "@hogsend/engine";
import { describe, expect, it } from "vitest";
import { createJourneyHarness, testJourney } from "./index.js";

const meta = (id: string, event: string) => ({
  id,
  name: id,
  enabled: true,
  trigger: { event },
  entryLimit: "unlimited" as const,
});

describe("the journey harness", () => {
  it("fires sleeps in time order across runs, each at its own virtual time", async () => {
    const drip = defineJourney({
      meta: meta("drip", "start"),
      async run(user, ctx) {
        const gap = String(user.event.properties.gap) as "1d";
        for (let i = 1; i <= 3; i++) {
          await ctx.sleep(gap);
          await ctx.sendEmail({ template: `drip-${i}`, props: {} });
        }
      },
    });
    const h = testJourney(drip, { now: "2025-03-01T00:00:00Z" });
    await h.send("start", { user: "slow", properties: { gap: "2d" } });
    await h.send("start", { user: "fast", properties: { gap: "1d" } });
    await h.advance("1w");
    expect(h.sends().map((s) => `${s.userId} ${s.template} ${s.at.toISOString().slice(0, 10)}`)).toEqual([
      "fast drip-1 2025-03-02",
      "slow drip-1 2025-03-03",
      "fast drip-2 2025-03-03",
      "fast drip-3 2025-03-04",
      "slow drip-2 2025-03-05",
      "slow drip-3 2025-03-07",
    ]);
    expect(h.now()).toEqual(new Date("2025-03-08T00:00:00Z"));
  });

  it("sleeps at least a second, as Hatchet's durable sleep does, and ctx.now follows the clock", async () => {
    const until = defineJourney({
      meta: meta("until", "go"),
      async run(_user, ctx) {
        await ctx.sleepUntil(new Date("2024-01-01T00:00:00Z"));
        await ctx.checkpoint("woke", { at: (await ctx.now()).toISOString() });
      },
    });
    const h = testJourney(until);
    await h.send("go", { user: "u1" });
    expect(h.state("u1", "until")?.status).toBe("waiting");
    await h.advance("1s");
    expect(h.checkpoints("u1")).toMatchObject([{ name: "woke", data: { at: "2025-01-01T00:00:01.000Z" } }]);
  });

  it("delivers events journeys trigger: they start journeys and end waits, and journey.completed follows", async () => {
    const order = defineJourney({
      meta: meta("order", "order_placed"),
      async run(_user, ctx) {
        await ctx.sleep("1h");
        await ctx.trigger("order_shipped", { carrier: "ups" });
      },
    });
    const shipping = defineJourney({
      meta: meta("shipping", "order_shipped"),
      async run(user, ctx) {
        await ctx.sendEmail({ template: "shipped", props: { carrier: user.event.properties.carrier } });
      },
    });
    const watcher = defineJourney({
      meta: meta("watcher", "order_placed"),
      async run(_user, ctx) {
        const done = await ctx.waitForEvent({
          event: "journey.completed",
          timeout: "1d",
          match: { journeyId: "order" },
        });
        await ctx.checkpoint(done.timedOut ? "lost" : "order-done");
      },
    });
    const h = createJourneyHarness({ journeys: [order, shipping, watcher] });
    await h.send("order_placed", { user: "u1", email: "u1@example.com" });
    await h.advance("1h");
    expect(h.triggers()).toMatchObject([{ userId: "u1", journeyId: "order", event: "order_shipped" }]);
    expect(h.sends()).toMatchObject([
      { template: "shipped", to: "u1@example.com", props: { carrier: "ups" }, status: "queued" },
    ]);
    expect(h.events("u1").find((e) => e.name === "order_shipped")).toMatchObject({
      source: "journey:order",
      properties: { carrier: "ups", journeyId: "order" },
    });
    expect(h.checkpoints("u1").map((c) => c.name)).toContain("order-done");
    expect(h.states("u1").map((s) => `${s.journeyId}:${s.status}`)).toEqual([
      "order:completed",
      "watcher:completed",
      "shipping:completed",
    ]);
  });

  it("records a journey that throws as failed and emits journey.failed", async () => {
    const broken = defineJourney({
      meta: meta("broken", "go"),
      async run(_user, ctx) {
        await ctx.sleep("1m");
        throw new Error("template missing");
      },
    });
    const h = testJourney(broken);
    await h.send("go", { user: "u1" });
    await h.advance("1m");
    expect(h.state("u1", "broken")).toMatchObject({ status: "failed", error: "template missing" });
    expect(h.events("u1").at(-1)).toMatchObject({
      name: "journey.failed",
      properties: { error: "template missing" },
    });
    expect(h.logs.at(-1)).toMatchObject({ kind: "failed", message: "template missing" });
  });

  it("answers history and subscription questions from the world's state", async () => {
    const curious = defineJourney({
      meta: { ...meta("curious", "go"), category: "tips" },
      async run(user, ctx) {
        const seen = await ctx.history.hasEvent("visited", { since: user.event.occurredAt });
        const ever = await ctx.history.hasEvent("visited");
        const other = await ctx.history.journey("other");
        await ctx.checkpoint("facts", {
          seen,
          ever,
          other: other?.status ?? null,
          tips: await ctx.guard.isSubscribed(),
          news: await ctx.guard.isSubscribed("news"),
        });
      },
    });
    const other = defineJourney({
      meta: meta("other", "visited"),
      async run(_user, ctx) {
        await ctx.sleep("1d");
      },
    });
    const h = createJourneyHarness({
      journeys: [curious, other],
      contacts: [{ userId: "u2", preferences: { suppressed: true } }],
    });
    h.contact({ userId: "u1", preferences: { optedOutCategories: ["tips"] } });
    await h.send("visited", { user: "u1" });
    await h.advance("1h");
    await h.send("go", { user: "u1" });
    await h.send("go", { user: "u2" });
    expect(h.checkpoints("u1")[0]?.data).toEqual({
      seen: false,
      ever: true,
      other: "waiting",
      tips: false,
      news: true,
    });
    expect(h.checkpoints("u2")[0]?.data).toEqual({
      seen: false,
      ever: false,
      other: null,
      tips: false,
      news: false,
    });
  });

  it("snapshots the contact at the start of a run and keeps event and contact properties apart", async () => {
    const echo = defineJourney({
      meta: meta("echo", "go"),
      async run(user, ctx) {
        await ctx.checkpoint("seen", { contact: user.properties, event: user.event.properties });
      },
    });
    const h = testJourney(echo, { contacts: [{ userId: "u1", properties: { plan: "free", name: "Ann" } }] });
    await h.send("go", { user: "u1", properties: { source: "ad" }, contactProperties: { plan: "pro" } });
    expect(h.checkpoints("u1")[0]?.data).toEqual({
      contact: { plan: "pro", name: "Ann" },
      event: { source: "ad" },
    });
  });

  it("refuses overlapping calls and time travel", async () => {
    const h = testJourney(defineJourney({ meta: meta("noop", "go"), async run() {} }));
    const first = h.send("go", { user: "u1" });
    await expect(h.advance("1d")).rejects.toThrow(/await each call/);
    await first;
    await expect(h.advanceTo("2024-01-01T00:00:00Z")).rejects.toThrow(/cannot move time back/);
    await expect(h.advance("soon" as "1d")).rejects.toThrow(/invalid duration/);
    expect(h.state("u1", "noop")?.status).toBe("completed");
  });
});
