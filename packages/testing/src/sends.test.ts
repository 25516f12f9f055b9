import { AppError } from "@hogsend/core";
import { defineTemplate, defineTemplates } from "@hogsend/email";
import { categoryOf, defineJourney, type JourneyMeta } from "@hogsend/engine";
import { describe, expect, it } from "vitest";
import { createJourneyHarness } from "./index.js";

const template = (category: string) =>
  defineTemplate({ component: () => null, subject: `a ${category} email`, category, example: {} });
const templates = defineTemplates({
  tip: template("tips"),
  news: template("news"),
  receipt: template("transactional"),
});
type Key = keyof typeof templates;

/** Sends the templates named in the trigger's `mail`, one an hour apart (`every`), in order. */
const mailer = (meta: Partial<JourneyMeta> = {}) =>
  defineJourney({
    meta: {
      id: "mailer",
      name: "Mailer",
      enabled: true,
      trigger: { event: "go" },
      entryLimit: "unlimited",
      ...meta,
    },
    async run(user, ctx) {
      const every = (user.event.properties.every ?? "1h") as "1h";
      const category = user.event.properties.category as string | undefined;
      for (const [i, key] of (user.event.properties.mail as Key[]).entries()) {
        if (i > 0) await ctx.sleep(every);
        await ctx.sendEmail({ template: key, props: {}, ...(category ? { category } : {}) });
      }
    },
  });

const outcomes = (h: ReturnType<typeof createJourneyHarness>, userId?: string) =>
  h.sends(userId).map((s) => `${s.template} ${s.status}${s.reason ? `: ${s.reason}` : ""}`);

describe("sends follow the engine's decideSend", () => {
  it("the frequency cap counts a contact's non-transactional mail that went out in the last 24 h", async () => {
    const h = createJourneyHarness({
      journeys: [mailer(), mailer({ id: "other", trigger: { event: "other" } })],
      templates,
      frequencyCapPerDay: 2,
      contacts: [{ userId: "u1", email: "u1@example.com" }],
    });
    await h.send("go", { user: "u1", properties: { mail: ["tip", "news", "tip", "receipt"] } });
    await h.advance("3h");
    // The cap is per contact, across journeys; transactional mail neither counts nor is capped.
    await h.send("other", { user: "u1", properties: { mail: ["news"] } });
    expect(outcomes(h, "u1")).toEqual([
      "tip queued",
      "news queued",
      "tip suppressed: frequency cap: 2 email(s) in the last 24 h (cap 2)",
      "receipt queued",
      "news suppressed: frequency cap: 2 email(s) in the last 24 h (cap 2)",
    ]);
    // 24 h after the first send it no longer counts (the window is "at or after now - 24 h").
    await h.advanceTo("2025-01-01T23:59:59Z");
    await h.send("other", { user: "u1", properties: { mail: ["tip"] } });
    await h.advanceTo("2025-01-02T00:00:01Z");
    await h.send("other", { user: "u1", properties: { mail: ["tip"] } });
    expect(outcomes(h, "u1").slice(5)).toEqual([
      "tip suppressed: frequency cap: 2 email(s) in the last 24 h (cap 2)",
      "tip queued",
    ]);
  });

  it("a suppressed send does not use up the cap, and without the option there is no cap", async () => {
    const capped = createJourneyHarness({
      journeys: [mailer()],
      templates,
      frequencyCapPerDay: 1,
      contacts: [{ userId: "picky", preferences: { optedOutCategories: ["tips"] } }],
    });
    await capped.send("go", { user: "picky", properties: { mail: ["tip", "news", "news"] } });
    await capped.advance("2h");
    expect(outcomes(capped)).toEqual([
      "tip suppressed: opted out of tips email",
      "news queued",
      "news suppressed: frequency cap: 1 email(s) in the last 24 h (cap 1)",
    ]);

    const uncapped = createJourneyHarness({ journeys: [mailer()], templates });
    await uncapped.send("go", { user: "u1", properties: { mail: ["tip", "news", "tip", "news"] } });
    await uncapped.advance("3h");
    expect(uncapped.sends().map((s) => s.status)).toEqual(["queued", "queued", "queued", "queued"]);
    expect(() => createJourneyHarness({ journeys: [], frequencyCapPerDay: 0 })).toThrow(/positive whole/);
  });

  it("emailMinGap suppresses a journey's email too close to its last one that went out", async () => {
    const h = createJourneyHarness({
      journeys: [mailer({ emailMinGap: "1d" }), mailer({ id: "other", trigger: { event: "other" } })],
      templates,
    });
    await h.send("go", { user: "u1", properties: { mail: ["tip", "news", "tip"], every: "12h" } });
    // Another journey's mail does not count against this journey's gap.
    await h.send("other", { user: "u1", properties: { mail: ["news"] } });
    await h.advance("1d");
    expect(outcomes(h, "u1")).toEqual([
      "tip queued",
      "news queued",
      // 12 h after the last one that went out: too close.
      "news suppressed: journey minimum gap: last email from mailer at 2025-01-01T00:00:00.000Z",
      // 24 h after it, exactly the gap: the suppressed send in between did not restart it.
      "tip queued",
    ]);
  });

  it("the gap counts the journey's transactional mail, but never holds transactional mail back", async () => {
    const h = createJourneyHarness({ journeys: [mailer({ emailMinGap: "1d" })], templates });
    await h.send("go", { user: "u1", properties: { mail: ["receipt", "tip", "receipt"] } });
    await h.advance("2h");
    expect(outcomes(h)).toEqual([
      "receipt queued",
      "tip suppressed: journey minimum gap: last email from mailer at 2025-01-01T00:00:00.000Z",
      "receipt queued",
    ]);
  });

  it("suppression stops even transactional mail, with the recorded reason", async () => {
    const h = createJourneyHarness({
      journeys: [mailer()],
      templates,
      contacts: [{ userId: "gone", preferences: { suppressed: true, suppressedReason: "bounced 3 times" } }],
    });
    await h.send("go", { user: "gone", properties: { mail: ["receipt"] } });
    expect(outcomes(h)).toEqual(["receipt suppressed: suppressed: bounced 3 times"]);
  });
});

describe("categories follow the engine's categoryOf", () => {
  it("refuses a switch to or from transactional with the mailer's error, which fails the run", async () => {
    const h = createJourneyHarness({ journeys: [mailer()], templates });
    await h.send("go", { user: "a", properties: { mail: ["receipt"], category: "billing" } });
    await h.send("go", { user: "b", properties: { mail: ["tip"], category: "transactional" } });
    const refusal = (from: string, to: string) => {
      try {
        categoryOf(from, to);
      } catch (err) {
        expect(err).toBeInstanceOf(AppError);
        expect((err as AppError).code).toBe("VALIDATION_FAILED");
        return (err as AppError).message;
      }
      throw new Error("categoryOf accepted the switch");
    };
    expect(h.state("a", "mailer")).toMatchObject({
      status: "failed",
      error: refusal("transactional", "billing"),
    });
    expect(h.state("b", "mailer")).toMatchObject({
      status: "failed",
      error: refusal("tips", "transactional"),
    });
    expect(h.sends()).toEqual([]);
    expect(h.events("a").at(-1)?.name).toBe("journey.failed");
  });

  it("lets a call narrow one marketing category to another, and preferences apply to that one", async () => {
    const h = createJourneyHarness({
      journeys: [mailer()],
      templates,
      contacts: [{ userId: "u1", preferences: { optedOutCategories: ["digest"] } }],
    });
    await h.send("go", { user: "u1", properties: { mail: ["tip"], category: "digest" } });
    expect(h.sends("u1")).toMatchObject([
      {
        template: "tip",
        category: "digest",
        subject: "a tips email",
        status: "suppressed",
        reason: "opted out of digest email",
      },
    ]);
  });
});
