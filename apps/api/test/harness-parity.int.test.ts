import { eventually, testStack } from "@hogsend/devstack/testing";
import { defineJourney } from "@hogsend/engine";
import { setupTestApp } from "@hogsend/engine/testing";
import { createJourneyHarness } from "@hogsend/testing";
import { describe, expect, it } from "vitest";
import { content } from "../src/content.js";
import { templates } from "../src/emails/index.js";
import { firstNameOf } from "../src/journeys/person.js";

/**
 * The same scenario through the journey harness (virtual time, in memory) and through the real
 * stack (POST /v1/events, Postgres, the Hatchet engine, the mailer, the send-email task), then
 * the sends and the final journey states compared per user. The harness is only worth trusting
 * while this agrees.
 */

/** Onboarding in miniature: greet, give it a moment, wait briefly for activation, branch. */
const onboarding = defineJourney({
  meta: {
    id: "parity-onboarding",
    name: "Parity onboarding",
    enabled: true,
    trigger: { event: "parity_signed_up" },
    entryLimit: "unlimited",
    category: "onboarding",
    // The nudge comes seconds after the welcome: inside the gap, so it is suppressed.
    emailMinGap: "1h",
    // An upgrade offered from outside would end onboarding; the one this journey emits itself
    // (ctx.trigger) must not (the engine's exitCheckApplies).
    exitOn: ["parity_account_deleted", "parity_upgrade_offered"],
  },
  async run(user, ctx) {
    const props = { firstName: firstNameOf(user) };
    await ctx.sendEmail({ template: "welcome", props });
    await ctx.sleep("2s");
    const activation = await ctx.waitForEvent({ event: "parity_activated", timeout: "5s" });
    if (activation.timedOut) {
      await ctx.sendEmail({ template: "activation-nudge", props });
      return;
    }
    await ctx.trigger("parity_upgrade_offered", { plan: activation.properties.plan });
    await ctx.checkpoint("activated");
  },
});

/** Started by onboarding's ctx.trigger: two billing emails and a receipt, back to back. */
const upgrade = defineJourney({
  meta: {
    id: "parity-upgrade",
    name: "Parity upgrade",
    enabled: true,
    trigger: { event: "parity_upgrade_offered" },
    entryLimit: "unlimited",
  },
  async run(user, ctx) {
    const planName = String(user.event.properties.plan);
    await ctx.sendEmail({
      template: "trial-ends-soon",
      props: { endsAt: "2030-01-01T00:00:00.000Z", planName },
    });
    // With the welcome, this is the third marketing email today: over the cap of two.
    await ctx.sendEmail({ template: "trial-ended", props: {} });
    // Transactional: no cap applies.
    await ctx.sendEmail({
      template: "receipt",
      props: {
        receiptNumber: `R-${user.userId}`,
        paidAt: "2030-01-01T00:00:00.000Z",
        currency: "USD",
        lineItems: [{ description: `${planName} plan`, amount: 4900 }],
      },
    });
  },
});

const FREQUENCY_CAP_PER_DAY = 2;

/** Who does what after signing up. */
const users: Record<string, { firstName?: string; optedOut?: string[]; whileWaiting?: ScriptedEvent }> = {
  // Activates: the upgrade journey runs; its second billing email hits the frequency cap.
  ann: { firstName: "Ann", whileWaiting: { event: "parity_activated", properties: { plan: "pro" } } },
  // Never activates: the wait times out; the nudge falls inside onboarding's emailMinGap.
  bob: { firstName: "Bob" },
  // Opted out of onboarding: the welcome is suppressed and so does not count towards the cap.
  cat: {
    firstName: "Cat",
    optedOut: ["onboarding"],
    whileWaiting: { event: "parity_activated", properties: { plan: "team" } },
  },
  // Deletes the account while waiting: exitOn ends the enrollment.
  dan: { whileWaiting: { event: "parity_account_deleted" } },
};

interface ScriptedEvent {
  event: string;
  properties?: Record<string, unknown>;
}

/** One way of running the scenario: the harness in virtual time, or the real stack. */
interface Side {
  send(userId: string, event: ScriptedEvent & { contactProperties?: Record<string, unknown> }): Promise<void>;
  optOut(userId: string, categories: string[]): Promise<void>;
  /** Until the user's onboarding run waits for activation. */
  untilWaitingForActivation(userId: string): Promise<void>;
  /**
   * Until every run has ended and every send has settled, then what happened, per user. The real
   * side takes the harness's outcome as a hint of how many runs and sends to wait for (a run
   * started by ctx.trigger shows up a moment after the run that emitted it has ended).
   */
  outcome(expected?: Record<string, Outcome>): Promise<Record<string, Outcome>>;
}

interface Outcome {
  sends: {
    journeyId: string | null;
    template: string;
    status: string;
    reason: string | null;
    category: string | null;
    subject: string | null;
    props: Record<string, unknown>;
  }[];
  states: { journeyId: string; status: string; exitReason: string | null; currentStep: string | null }[];
}

async function play(side: Side, expected?: Record<string, Outcome>): Promise<Record<string, Outcome>> {
  for (const [userId, script] of Object.entries(users)) {
    if (!script.optedOut) continue;
    await side.send(userId, { event: "parity_seen" });
    await side.optOut(userId, script.optedOut);
  }
  for (const [userId, script] of Object.entries(users)) {
    await side.send(userId, {
      event: "parity_signed_up",
      contactProperties: script.firstName ? { firstName: script.firstName } : {},
    });
  }
  for (const [userId, script] of Object.entries(users)) {
    if (!script.whileWaiting) continue;
    await side.untilWaitingForActivation(userId);
    await side.send(userId, script.whileWaiting);
  }
  return side.outcome(expected);
}

/** A reason names the time of the journey's last email: a virtual one in the harness, a real one here. */
const withoutTimes = (reason: string | null) =>
  reason?.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, "<time>") ?? null;
const byJourney = <T extends { journeyId: string }>(rows: T[]) =>
  [...rows].sort((a, b) => a.journeyId.localeCompare(b.journeyId));

function harnessSide(): Side {
  const h = createJourneyHarness({
    journeys: [onboarding, upgrade],
    templates,
    frequencyCapPerDay: FREQUENCY_CAP_PER_DAY,
  });
  const live = () => h.states().some((s) => s.status === "active" || s.status === "waiting");
  return {
    send: (userId, { event, properties, contactProperties }) =>
      h
        .send(event, {
          user: userId,
          email: `${userId}@example.com`,
          ...(properties ? { properties } : {}),
          ...(contactProperties ? { contactProperties } : {}),
        })
        .then(() => {}),
    optOut: async (userId, categories) =>
      h.contact({ userId, preferences: { optedOutCategories: categories } }),
    async untilWaitingForActivation(userId) {
      for (let i = 0; h.state(userId, onboarding.meta.id)?.currentStep !== "wait:parity_activated"; i++) {
        if (i > 60) throw new Error(`harness: ${userId} never waited for activation`);
        await h.advance("1s");
      }
    },
    async outcome() {
      for (let i = 0; live(); i++) {
        if (i > 600) throw new Error("harness: runs still live after 10 virtual minutes");
        await h.advance("1s");
      }
      return Object.fromEntries(
        Object.keys(users).map((userId) => [
          userId,
          {
            sends: h.sends(userId).map((s) => ({
              journeyId: s.journeyId,
              template: s.template,
              // The harness records the mailer's decision; a queued send is one the real stack delivers.
              status: s.status === "queued" ? "sent" : s.status,
              reason: withoutTimes(s.reason),
              category: s.category ?? null,
              subject: s.subject ?? null,
              props: s.props,
            })),
            states: byJourney(
              h.states(userId).map((s) => ({
                journeyId: s.journeyId,
                status: s.status,
                exitReason: s.exitReason,
                currentStep: s.currentStep,
              })),
            ),
          },
        ]),
      );
    },
  };
}

const stack = testStack();
const api = setupTestApp({
  env: {
    EMAIL_FREQUENCY_CAP_PER_DAY: String(FREQUENCY_CAP_PER_DAY),
    // A namespace of its own: other files' workers must not pick up these events.
    HATCHET_CLIENT_NAMESPACE: `${stack.HATCHET_CLIENT_NAMESPACE}_parity`,
  },
  role: "worker",
  content: { ...content, journeys: [onboarding, upgrade] },
  keys: ["ingest"],
  worker: { name: "e2e-harness-parity", slots: 20 },
});

/** `eventually` over an observation: resolves with it once `until` holds. */
function observeUntil<T>(what: string, observe: () => Promise<T>, until: (value: T) => boolean): Promise<T> {
  return eventually(what, async () => {
    const value = await observe();
    return until(value) ? { value } : false;
  }).then(({ value }) => value);
}

function realSide(): Side {
  const contacts = new Map<string, string>();
  const contactOf = (userId: string) => {
    const contactId = contacts.get(userId);
    if (!contactId) throw new Error(`no contact for ${userId} yet`);
    return contactId;
  };

  async function snapshot(): Promise<Record<string, Outcome>> {
    const entries = await Promise.all(
      Object.keys(users).map(async (userId) => {
        const contactId = contactOf(userId);
        const sends = await api.client.db.sql<
          {
            journey_id: string | null;
            template: string;
            status: string;
            reason: string | null;
            category: string | null;
            subject: string | null;
            props: Record<string, unknown>;
          }[]
        >`select journey_id, template, status, reason, category, subject, props from email_sends
          where contact_id = ${contactId} order by created_at, id`;
        const states = await api.client.db.sql<
          { journey_id: string; status: string; exit_reason: string | null; current_step: string | null }[]
        >`select journey_id, status, exit_reason, current_step from journey_states
          where user_key = ${contactId} order by started_at`;
        const outcome: Outcome = {
          sends: sends.map((s) => ({
            journeyId: s.journey_id,
            template: s.template,
            status: s.status,
            reason: withoutTimes(s.reason),
            category: s.category,
            subject: s.subject,
            props: s.props,
          })),
          states: byJourney(
            states.map((s) => ({
              journeyId: s.journey_id,
              status: s.status,
              exitReason: s.exit_reason,
              currentStep: s.current_step,
            })),
          ),
        };
        return [userId, outcome] as const;
      }),
    );
    return Object.fromEntries(entries);
  }

  return {
    async send(userId, { event, properties, contactProperties }) {
      const res = await api.app.request("/v1/events", {
        method: "POST",
        body: JSON.stringify({
          name: event,
          userId,
          email: `${userId}@example.com`,
          ...(properties ? { eventProperties: properties } : {}),
          ...(contactProperties ? { contactProperties } : {}),
        }),
        headers: { "content-type": "application/json", authorization: `Bearer ${api.keys.ingest}` },
      });
      expect(res.status).toBe(202);
      contacts.set(userId, ((await res.json()) as { contactId: string }).contactId);
    },
    async optOut(userId, categories) {
      await api.client.db.sql`insert into email_preferences (contact_id, opted_out_categories)
        values (${contactOf(userId)}, ${categories})`;
    },
    async untilWaitingForActivation(userId) {
      await observeUntil(
        `${userId} to wait for activation`,
        () => api.client.db.sql<{ current_step: string }[]>`select current_step from journey_states
          where user_key = ${contactOf(userId)} and journey_id = ${onboarding.meta.id}`,
        (rows) => rows[0]?.current_step === "wait:parity_activated",
      );
    },
    async outcome(expected) {
      const settled = (outcome: Record<string, Outcome>) =>
        Object.entries(outcome).every(
          ([userId, o]) =>
            o.states.length === (expected?.[userId]?.states.length ?? 1) &&
            o.sends.length === (expected?.[userId]?.sends.length ?? 0) &&
            o.states.every((s) => s.status !== "active" && s.status !== "waiting") &&
            o.sends.every((s) => s.status !== "queued" && s.status !== "sending"),
        );
      // Past the deadline, compare what there is: the diff says more than a timeout.
      return observeUntil("every run to end and every send to settle", snapshot, settled).catch(snapshot);
    },
  };
}

describe("the journey harness agrees with the real stack", () => {
  it("on sends (template, status, reason, category, subject, props, in order) and final states", async () => {
    const virtual = await play(harnessSide());
    // The scenario does what it means to, so agreement below is about something.
    expect(virtual.ann?.sends.map((s) => `${s.template}:${s.status}`)).toEqual([
      "welcome:sent",
      "trial-ends-soon:sent",
      "trial-ended:suppressed",
      "receipt:sent",
    ]);
    expect(virtual.bob?.sends.map((s) => s.reason)).toEqual([
      null,
      "journey minimum gap: last email from parity-onboarding at <time>",
    ]);
    expect(virtual.cat?.sends.map((s) => s.status)).toEqual(["suppressed", "sent", "sent", "sent"]);
    expect(virtual.dan?.states).toEqual([
      {
        journeyId: "parity-onboarding",
        status: "exited",
        exitReason: "exitOn:parity_account_deleted",
        currentStep: "wait:parity_activated",
      },
    ]);

    const real = await play(realSide(), virtual);
    for (const userId of Object.keys(users)) {
      expect({ userId, ...real[userId] }).toEqual({ userId, ...virtual[userId] });
    }
  }, 60_000);
});
