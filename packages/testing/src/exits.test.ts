import { defineJourney } from "@hogsend/engine";
import { describe, expect, it } from "vitest";
import { createJourneyHarness, testJourney } from "./index.js";

/** Reminds after a day and again after two more, unless the payment comes in. */
const dunning = defineJourney({
  meta: {
    id: "dunning",
    name: "Dunning",
    enabled: true,
    trigger: { event: "payment_failed" },
    entryLimit: "unlimited",
    exitOn: ["payment_succeeded"],
  },
  async run(user, ctx) {
    await ctx.sleep("1d");
    await ctx.sendEmail({ template: "reminder", props: {} });
    const reply = await ctx.waitForEvent({ event: "replied", timeout: "2d" });
    if (!reply.timedOut) ctx.exit("the customer replied");
    await ctx.sendEmail({ template: "final", props: { invoice: user.event.properties.invoice } });
  },
});

describe("exits", () => {
  it("an exitOn event during a sleep ends the enrollment and the run never resumes", async () => {
    const h = testJourney(dunning);
    await h.send("payment_failed", { user: "u1" });
    await h.advance("12h");
    expect(await h.send("payment_succeeded", { user: "u1" })).toMatchObject({ exits: 1 });
    expect(h.state("u1", "dunning")).toMatchObject({
      status: "exited",
      exitReason: "exitOn:payment_succeeded",
      waitDeadline: null,
      finishedAt: new Date("2025-01-01T12:00:00Z"),
    });
    expect(h.exits()).toMatchObject([{ userId: "u1", journeyId: "dunning", by: "exitOn" }]);
    await h.advance("10d");
    expect(h.sends()).toEqual([]);
    // An exited run emits no journey.completed.
    expect(h.events("u1").map((e) => e.name)).toEqual(["payment_failed", "payment_succeeded"]);
  });

  it("an exitOn event during a wait ends it too; other users and other events leave it alone", async () => {
    const h = testJourney(dunning);
    await h.send("payment_failed", { user: "u1" });
    await h.advance("1d");
    expect(await h.send("payment_succeeded", { user: "u2" })).toMatchObject({ exits: 0 });
    expect(await h.send("something_else", { user: "u1" })).toMatchObject({ exits: 0 });
    expect(h.state("u1", "dunning")?.currentStep).toBe("wait:replied");
    await h.send("payment_succeeded", { user: "u1" });
    await h.send("replied", { user: "u1" });
    await h.advance("3d");
    expect(h.sends("u1").map((s) => s.template)).toEqual(["reminder"]);
    expect(h.state("u1", "dunning")?.status).toBe("exited");
  });

  it("ctx.exit ends the enrollment as exited with its reason", async () => {
    const h = testJourney(dunning);
    await h.send("payment_failed", { user: "u1" });
    await h.advance("1d");
    await h.send("replied", { user: "u1" });
    expect(h.state("u1", "dunning")).toMatchObject({ status: "exited", exitReason: "the customer replied" });
    expect(h.exits("u1")).toMatchObject([{ reason: "the customer replied", by: "ctx.exit" }]);
    expect(h.sends("u1").map((s) => s.template)).toEqual(["reminder"]);
  });

  it("an event that is both exitOn and the trigger ends the live enrollment, then starts a new one", async () => {
    const restartable = defineJourney({
      meta: {
        id: "restartable",
        name: "Restartable",
        enabled: true,
        trigger: { event: "plan_changed" },
        entryLimit: "unlimited",
        exitOn: ["plan_changed"],
      },
      async run(user, ctx) {
        await ctx.sleep("1d");
        await ctx.sendEmail({ template: "plan-summary", props: { plan: user.event.properties.plan } });
      },
    });
    const h = createJourneyHarness({ journeys: [restartable] });
    await h.send("plan_changed", { user: "u1", properties: { plan: "pro" } });
    await h.advance("1h");
    await h.send("plan_changed", { user: "u1", properties: { plan: "team" } });
    await h.advance("1d");
    expect(h.states("u1").map((s) => s.status)).toEqual(["exited", "completed"]);
    expect(h.sends("u1")).toMatchObject([{ template: "plan-summary", props: { plan: "team" } }]);
  });

  it("whether an event may end enrollments depends on its source (the engine's exitCheckApplies)", async () => {
    const h = testJourney(dunning);
    for (const user of ["api", "webhook", "email", "admin"]) await h.send("payment_failed", { user });
    const ends = async (user: string, source?: string) =>
      (await h.send("payment_succeeded", { user, ...(source ? { source } : {}) })).exits;
    // What happens to the person ends it; what Hogsend itself says (an operator's action) does not.
    expect(await ends("api")).toBe(1);
    expect(await ends("webhook", "webhook:posthog")).toBe(1);
    expect(await ends("email", "email")).toBe(1);
    expect(await ends("admin", "admin:ops@example.com")).toBe(0);
    expect(h.states().map((s) => `${s.userId}:${s.status}`)).toEqual([
      "api:exited",
      "webhook:exited",
      "email:exited",
      "admin:waiting",
    ]);
    expect(h.events("webhook").at(-1)?.source).toBe("webhook:posthog");
  });
});
