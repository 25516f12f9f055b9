import { createJourneyHarness } from "@hogsend/testing";
import { describe, expect, it } from "vitest";
import { templates } from "../src/emails/index.js";
import { journeys } from "../src/journeys/index.js";

/** The deployment's three journeys together, as the worker registers them, from 2025-01-01. */
const harness = (options: Omit<Parameters<typeof createJourneyHarness>[0], "journeys"> = {}) =>
  createJourneyHarness({ journeys, templates, ...options });

const sent = (h: ReturnType<typeof harness>, userId: string) =>
  h.sends(userId).map((s) => `${s.template} @ ${s.at.toISOString()}`);

describe("welcome", () => {
  it("greets at once, then sends getting-started tips when the user activates within three days", async () => {
    const h = harness();
    await h.send("user_signed_up", { user: "ann", email: "ann@example.com" });
    expect(sent(h, "ann")).toEqual(["welcome @ 2025-01-01T00:00:00.000Z"]);
    expect(h.sends("ann")[0]?.to).toBe("ann@example.com");

    await h.advance("2d");
    await h.send("user_activated", { user: "ann" });
    expect(sent(h, "ann")).toEqual([
      "welcome @ 2025-01-01T00:00:00.000Z",
      "getting-started-tips @ 2025-01-03T00:00:00.000Z",
    ]);
    expect(h.state("ann", "welcome")?.status).toBe("completed");
    expect(h.events("ann").at(-1)).toMatchObject({
      name: "journey.completed",
      properties: { journeyId: "welcome" },
    });
  });

  it("nudges a user who has not activated four days after sign-up, not a second earlier", async () => {
    const h = harness();
    await h.send("user_signed_up", { user: "bob", email: "bob@example.com" });
    await h.send("user_activated", { user: "someone-else" });
    await h.advance(4 * 86_400_000 - 1_000);
    expect(h.state("bob", "welcome")).toMatchObject({
      status: "waiting",
      currentStep: "wait:user_activated",
    });
    await h.advance("1s");
    expect(sent(h, "bob")).toEqual([
      "welcome @ 2025-01-01T00:00:00.000Z",
      "activation-nudge @ 2025-01-05T00:00:00.000Z",
    ]);
    await h.send("user_activated", { user: "bob" });
    expect(h.sends("bob")).toHaveLength(2);
  });

  it("sends nothing to a contact opted out of onboarding, and does not enroll the globally unsubscribed", async () => {
    const h = harness({
      contacts: [
        { userId: "quiet", preferences: { optedOutCategories: ["onboarding"] } },
        { userId: "gone", preferences: { unsubscribedAll: true } },
      ],
    });
    await h.send("user_signed_up", { user: "quiet" });
    await h.send("user_signed_up", { user: "gone" });
    expect(h.state("quiet", "welcome")).toMatchObject({
      status: "exited",
      exitReason: "not subscribed to onboarding",
    });
    expect(h.skips("gone")).toMatchObject([{ journeyId: "welcome", reason: "globally unsubscribed" }]);
    expect(h.sends()).toEqual([]);
  });

  it("welcomes a user once, however often they sign up", async () => {
    const h = harness();
    await h.send("user_signed_up", { user: "ann" });
    await h.advance("10d");
    await h.send("user_signed_up", { user: "ann" });
    expect(h.skips("ann").map((s) => s.reason)).toEqual(["entry limit: once"]);
    expect(h.sends("ann").filter((s) => s.template === "welcome")).toHaveLength(1);
  });

  // Known gap, reported: the wait only sees events from its start, so an activation during the
  // first day is missed and an activated user is nudged. This expected failure turns red once
  // welcome.ts accounts for early activation; then drop `.fails`.
  it.fails("does not nudge a user who activated during the first day", async () => {
    const h = harness();
    await h.send("user_signed_up", { user: "eager" });
    await h.advance("1h");
    await h.send("user_activated", { user: "eager" });
    await h.advance("4d");
    expect(h.sends("eager").map((s) => s.template)).not.toContain("activation-nudge");
  });
});

describe("trial-expiring", () => {
  const trial = (days: number) => ({
    trialEndsAt: new Date(Date.UTC(2025, 0, 1) + days * 86_400_000).toISOString(),
  });

  it("reminds three days before the trial ends and again when it ends", async () => {
    const h = harness();
    await h.send("trial_started", { user: "ann", email: "ann@example.com", properties: trial(14) });
    await h.advance("11d");
    expect(sent(h, "ann")).toEqual(["trial-ends-soon @ 2025-01-12T00:00:00.000Z"]);
    expect(h.sends("ann")[0]).toMatchObject({
      to: "ann@example.com",
      props: { endsAt: "2025-01-15T00:00:00.000Z" },
    });
    await h.advance("3d");
    expect(sent(h, "ann")).toEqual([
      "trial-ends-soon @ 2025-01-12T00:00:00.000Z",
      "trial-ended @ 2025-01-15T00:00:00.000Z",
    ]);
    expect(h.state("ann", "trial-expiring")?.status).toBe("completed");
  });

  it("stops the moment the user subscribes", async () => {
    const h = harness();
    await h.send("trial_started", { user: "ann", properties: trial(14) });
    await h.advance("12d");
    expect(await h.send("subscription_started", { user: "ann" })).toMatchObject({ exits: 1 });
    await h.advance("30d");
    expect(sent(h, "ann")).toEqual(["trial-ends-soon @ 2025-01-12T00:00:00.000Z"]);
    expect(h.state("ann", "trial-expiring")).toMatchObject({
      status: "exited",
      exitReason: "exitOn:subscription_started",
    });
  });

  it("reminds at once when less than three days are left", async () => {
    const h = harness();
    await h.send("trial_started", { user: "ann", properties: trial(2) });
    await h.advance("1s");
    expect(sent(h, "ann")).toEqual(["trial-ends-soon @ 2025-01-01T00:00:01.000Z"]);
    await h.advance("2d");
    expect(sent(h, "ann").at(-1)).toBe("trial-ended @ 2025-01-03T00:00:00.000Z");
  });

  it("needs a trial end: skipped without one, exited when it is not a date", async () => {
    const h = harness();
    await h.send("trial_started", { user: "none" });
    await h.send("trial_started", { user: "junk", properties: { trialEndsAt: "next tuesday" } });
    expect(h.skips("none")).toMatchObject([{ journeyId: "trial-expiring", reason: "trigger.where not met" }]);
    expect(h.state("junk", "trial-expiring")).toMatchObject({
      status: "exited",
      exitReason: "trialEndsAt is not a date",
    });
    expect(h.sends()).toEqual([]);
  });

  it("does not remind a user who opted out of billing mail during the trial", async () => {
    const h = harness();
    await h.send("trial_started", { user: "ann", properties: trial(14) });
    await h.advance("5d");
    h.contact({ userId: "ann", preferences: { optedOutCategories: ["billing"] } });
    await h.advance("10d");
    expect(h.sends()).toEqual([]);
    expect(h.state("ann", "trial-expiring")).toMatchObject({
      status: "exited",
      exitReason: "not subscribed to billing",
    });
  });

  it("enrolls a user at most once in 30 days", async () => {
    const h = harness();
    await h.send("trial_started", { user: "ann", properties: trial(7) });
    await h.advance("20d");
    await h.send("trial_started", { user: "ann", properties: trial(27) });
    expect(h.skips("ann").map((s) => s.reason)).toEqual(["entry limit: once per 30d"]);
    await h.advance("10d");
    await h.send("trial_started", { user: "ann", properties: trial(44) });
    expect(h.states("ann").map((s) => [s.status, s.entryCount])).toEqual([
      ["completed", 1],
      ["waiting", 2],
    ]);
  });
});

describe("payment-recovery", () => {
  it("sends three escalating notices over five days when the payment never comes", async () => {
    const h = harness();
    await h.send("payment_failed", {
      user: "ann",
      email: "ann@example.com",
      properties: { invoiceId: "inv_1" },
    });
    await h.advance("1w");
    expect(sent(h, "ann")).toEqual([
      "payment-failed @ 2025-01-01T00:00:00.000Z",
      "payment-reminder @ 2025-01-03T00:00:00.000Z",
      "payment-final-notice @ 2025-01-06T00:00:00.000Z",
    ]);
    expect(h.sends("ann").every((s) => s.props.invoiceId === "inv_1" && s.to === "ann@example.com")).toBe(
      true,
    );
    expect(h.state("ann", "payment-recovery")?.status).toBe("completed");
  });

  it("exits on payment_succeeded and sends nothing more", async () => {
    const h = harness();
    await h.send("payment_failed", { user: "ann", properties: { invoiceId: "inv_1" } });
    await h.advance("3d");
    expect(await h.send("payment_succeeded", { user: "ann" })).toMatchObject({ exits: 1 });
    await h.advance("1w");
    expect(h.sends("ann").map((s) => s.template)).toEqual(["payment-failed", "payment-reminder"]);
    expect(h.exits("ann")).toMatchObject([
      { journeyId: "payment-recovery", reason: "exitOn:payment_succeeded", by: "exitOn" },
    ]);
  });

  it("runs once at a time per user, and again for a later failure", async () => {
    const h = harness();
    await h.send("payment_failed", { user: "ann", properties: { invoiceId: "inv_1" } });
    await h.advance("1d");
    await h.send("payment_failed", { user: "ann", properties: { invoiceId: "inv_2" } });
    expect(h.skips("ann").map((s) => s.reason)).toEqual(["already active"]);
    await h.advance("1w");
    await h.send("payment_failed", { user: "ann", properties: { invoiceId: "inv_3" } });
    expect(h.state("ann", "payment-recovery")).toMatchObject({ status: "waiting", entryCount: 2 });
    expect(h.sends("ann").map((s) => s.props.invoiceId)).toEqual(["inv_1", "inv_1", "inv_1", "inv_3"]);
  });

  it("survives a worker restart mid-recovery without sending twice", async () => {
    const h = harness();
    await h.send("payment_failed", { user: "ann", properties: { invoiceId: "inv_1" } });
    await h.advance("2d");
    await h.restart();
    await h.advance("3d");
    await h.restart();
    expect(h.sends("ann").map((s) => s.template)).toEqual([
      "payment-failed",
      "payment-reminder",
      "payment-final-notice",
    ]);
  });
});
