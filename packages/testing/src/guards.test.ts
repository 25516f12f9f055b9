import { defineJourney, type JourneyMeta } from "@hogsend/engine";
import { describe, expect, it } from "vitest";
import { createJourneyHarness, testJourney } from "./index.js";

/** Greets, then stays enrolled for a day: long enough to meet a second trigger while live. */
const journey = (meta: Partial<JourneyMeta> = {}) =>
  defineJourney({
    meta: {
      id: "greet",
      name: "Greet",
      enabled: true,
      trigger: { event: "signed_up" },
      entryLimit: "unlimited",
      ...meta,
    },
    async run(_user, ctx) {
      await ctx.sendEmail({ template: "hello", props: {} });
      await ctx.sleep("1d");
    },
  });

describe("enrollment guards (the runtime's decideAdmission)", () => {
  it("does not enroll in a journey disabled in code", async () => {
    const h = testJourney(journey({ enabled: false }));
    await h.send("signed_up", { user: "u1" });
    expect(h.skips("u1").map((s) => s.reason)).toEqual(["disabled"]);
    expect(h.state("u1", "greet")).toBeUndefined();
    expect(h.sends()).toEqual([]);
  });

  it("lets the operator's override win over the code, both ways, and null restore it", async () => {
    const h = createJourneyHarness({
      journeys: [journey(), journey({ id: "dormant", enabled: false })],
      configs: { greet: { enabled: false } },
    });
    h.configure("dormant", { enabled: true });
    await h.send("signed_up", { user: "u1" });
    expect(h.skips("u1")).toMatchObject([{ journeyId: "greet", reason: "disabled by operator" }]);
    expect(h.state("u1", "dormant")?.status).toBe("waiting");

    h.configure("greet", { enabled: null });
    await h.send("signed_up", { user: "u2" });
    expect(h.state("u2", "greet")?.status).toBe("waiting");
    expect(() => h.configure("nope", { enabled: true })).toThrow(/no journey nope/);
  });

  it("enrolls only when the trigger event meets trigger.where", async () => {
    const h = testJourney(
      journey({ trigger: { event: "signed_up", where: [{ property: "plan", op: "eq", value: "pro" }] } }),
    );
    await h.send("signed_up", { user: "free", properties: { plan: "free" } });
    await h.send("signed_up", { user: "pro", properties: { plan: "pro" } });
    expect(h.skips()).toMatchObject([{ userId: "free", reason: "trigger.where not met" }]);
    expect(h.sends().map((s) => s.userId)).toEqual(["pro"]);
  });

  it("entry limit once: never a second enrollment, even after the first ended", async () => {
    const h = testJourney(journey({ entryLimit: "once" }));
    await h.send("signed_up", { user: "u1" });
    await h.advance("2d");
    expect(h.state("u1", "greet")?.status).toBe("completed");
    await h.send("signed_up", { user: "u1" });
    expect(h.skips("u1").map((s) => s.reason)).toEqual(["entry limit: once"]);
    expect(h.states("u1")).toHaveLength(1);
  });

  it("entry limit once_per_period: again only once the period since the last entry has passed", async () => {
    const h = testJourney(journey({ entryLimit: "once_per_period", entryPeriod: "7d" }));
    await h.send("signed_up", { user: "u1" });
    await h.advance("6d");
    expect(h.state("u1", "greet")?.status).toBe("completed");
    await h.send("signed_up", { user: "u1" });
    expect(h.skips("u1").map((s) => s.reason)).toEqual(["entry limit: once per 7d"]);

    // 7d after the first entry exactly, it is outside the window (started > now - 7d).
    await h.advance("1d");
    await h.send("signed_up", { user: "u1" });
    expect(h.states("u1").map((s) => s.entryCount)).toEqual([1, 2]);
    expect(h.state("u1", "greet")?.startedAt).toEqual(new Date("2025-01-08T00:00:00Z"));
  });

  it("does not enroll a globally unsubscribed contact; a category opt-out alone does not block entry", async () => {
    const h = createJourneyHarness({
      journeys: [journey({ category: "onboarding" })],
      contacts: [
        { userId: "gone", preferences: { unsubscribedAll: true } },
        { userId: "picky", preferences: { optedOutCategories: ["onboarding"] } },
      ],
    });
    await h.send("signed_up", { user: "gone" });
    await h.send("signed_up", { user: "picky" });
    expect(h.skips()).toMatchObject([{ userId: "gone", reason: "globally unsubscribed" }]);
    expect(h.state("picky", "greet")?.status).toBe("waiting");
  });

  it("refuses a second live enrollment as already active, and admits again once the first ended", async () => {
    const h = testJourney(journey());
    await h.send("signed_up", { user: "u1" });
    await h.send("signed_up", { user: "u1" });
    expect(h.skips("u1").map((s) => s.reason)).toEqual(["already active"]);
    expect(h.states("u1")).toHaveLength(1);

    await h.advance("1d");
    await h.send("signed_up", { user: "u1" });
    expect(h.states("u1").map((s) => [s.status, s.entryCount])).toEqual([
      ["completed", 1],
      ["waiting", 2],
    ]);
  });

  it("checks the guards in the runtime's order", async () => {
    const h = createJourneyHarness({
      journeys: [
        journey({
          id: "off",
          enabled: false,
          trigger: { event: "signed_up", where: [{ property: "x", op: "exists" }] },
        }),
        journey({ id: "picky", trigger: { event: "signed_up", where: [{ property: "x", op: "exists" }] } }),
        journey({ id: "once", entryLimit: "once" }),
      ],
      contacts: [{ userId: "u1" }],
    });
    await h.send("signed_up", { user: "u1", properties: { x: 1 } });
    h.contact({ userId: "u1", preferences: { unsubscribedAll: true } });
    await h.send("signed_up", { user: "u1" });
    expect(h.skips("u1").map((s) => `${s.journeyId}: ${s.reason}`)).toEqual([
      "off: disabled",
      // disabled before where; where before unsubscribe; entry limit before unsubscribe and "already active".
      "off: disabled",
      "picky: trigger.where not met",
      "once: entry limit: once",
    ]);
  });
});
