import { defineJourney } from "@hogsend/engine";
import { describe, expect, it } from "vitest";
import { testJourney } from "./index.js";

const meta = (id: string) => ({
  id,
  name: id,
  enabled: true,
  trigger: { event: "go" },
  entryLimit: "unlimited" as const,
});

describe("a worker restart (replay from the top)", () => {
  it("repeats no checkpoint, send or trigger, and keeps the recorded time and deadlines", async () => {
    const steady = defineJourney({
      meta: meta("steady"),
      async run(_user, ctx) {
        await ctx.sendEmail({ template: "first", props: { at: (await ctx.now()).toISOString() } });
        await ctx.trigger("first_sent");
        await ctx.sleep("2d");
        const ack = await ctx.waitForEvent({ event: "ack", timeout: "1d" });
        await ctx.sendEmail({ template: ack.timedOut ? "no-ack" : "acked", props: {} });
      },
    });
    const h = testJourney(steady);
    await h.send("go", { user: "u1" });
    await h.advance("1d");
    await h.restart();
    expect(h.state("u1", "steady")).toMatchObject({
      status: "waiting",
      waitDeadline: new Date("2025-01-03T00:00:00Z"),
    });
    await h.advance("1d");
    await h.restart();
    await h.advance("1h");
    await h.send("ack", { user: "u1" });
    await h.restart();

    expect(h.sends("u1").map((s) => s.template)).toEqual(["first", "acked"]);
    expect(h.sends("u1")[0]?.props).toEqual({ at: "2025-01-01T00:00:00.000Z" });
    expect(h.triggers("u1")).toHaveLength(1);
    expect(h.events("u1").filter((e) => e.name === "first_sent")).toHaveLength(1);
    expect(h.state("u1", "steady")).toMatchObject({
      status: "completed",
      finishedAt: new Date("2025-01-03T01:00:00Z"),
    });
  });

  it("fails a run whose replay takes another path than its journal, as Hatchet's determinism check does", async () => {
    let invocations = 0;
    const fickle = defineJourney({
      meta: meta("fickle"),
      async run(_user, ctx) {
        invocations++;
        if (invocations === 1) await ctx.sleep("1d");
        else await ctx.waitForEvent({ event: "x", timeout: "1d" });
      },
    });
    const h = testJourney(fickle);
    await h.send("go", { user: "u1" });
    await h.restart();
    expect(h.state("u1", "fickle")).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/non-deterministic replay of fickle: durable step 2 was sleep, now clock/),
    });
    // The crashed invocation's sleep is gone with the run.
    await h.advance("2d");
    expect(invocations).toBe(2);
  });

  it("refuses concurrent durable steps within one run", async () => {
    const racy = defineJourney({
      meta: meta("racy"),
      async run(_user, ctx) {
        await Promise.race([ctx.sleep("1d"), ctx.sleep("2d")]);
      },
    });
    const h = testJourney(racy);
    await h.send("go", { user: "u1" });
    expect(h.state("u1", "racy")).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/await each ctx call/),
    });
  });
});
