import type { Condition } from "@hogsend/core";
import { describe, expect, it } from "vitest";
import type { PersonProperties } from "../platform/client.js";
import { decideAdmission } from "./admission.js";
import type { JourneyMeta } from "./define-journey.js";
import { evaluateTriggerConditions, personPropertiesFor, referencesPerson } from "./person-conditions.js";

/** A persons reader that answers from a map and counts its calls. */
function stubPersons(people: Record<string, Record<string, unknown>>) {
  const calls: string[] = [];
  const persons: PersonProperties = {
    getProperties: async (distinctId) => {
      calls.push(distinctId);
      return people[distinctId];
    },
  };
  return { persons, calls };
}

const proOnly: Condition[] = [
  { property: "source", op: "eq", value: "web" },
  { property: "person.plan", op: "eq", value: "pro" },
];

describe("person.* conditions in trigger.where", () => {
  it("reads person properties only when a condition references person.*", async () => {
    const { persons, calls } = stubPersons({ u1: { plan: "pro" } });
    expect(referencesPerson(proOnly)).toBe(true);
    expect(referencesPerson([{ property: "personal", op: "exists" }])).toBe(false);
    expect(referencesPerson(undefined)).toBe(false);

    expect(
      await personPropertiesFor([{ property: "plan", op: "eq", value: "pro" }], persons, "u1"),
    ).toBeUndefined();
    expect(await personPropertiesFor(undefined, persons, "u1")).toBeUndefined();
    expect(calls).toEqual([]);

    expect(await personPropertiesFor(proOnly, persons, "u1")).toEqual({ plan: "pro" });
    expect(calls).toEqual(["u1"]);
  });

  it("evaluates person.* on the person's properties and the rest on the event's", async () => {
    const { persons } = stubPersons({
      pro: { plan: "pro", seats: 12, company: { tier: "enterprise" } },
      free: { plan: "free", seats: 1 },
    });
    const event = { source: "web", plan: "pro" };
    const propsOf = (id: string) => personPropertiesFor(proOnly, persons, id);

    expect(evaluateTriggerConditions(proOnly, event, await propsOf("pro"))).toBe(true);
    expect(evaluateTriggerConditions(proOnly, event, await propsOf("free"))).toBe(false);
    // The event's own `plan` does not answer person.plan.
    expect(evaluateTriggerConditions(proOnly, event, undefined)).toBe(false);
    // Event conditions still apply.
    expect(evaluateTriggerConditions(proOnly, { source: "ios" }, await propsOf("pro"))).toBe(false);
    // Every operator and dotted paths work under the prefix.
    const pro = await propsOf("pro");
    expect(
      evaluateTriggerConditions(
        [
          { property: "person.seats", op: "gte", value: 10 },
          { property: "person.company.tier", op: "in", value: ["enterprise", "scale"] },
          { property: "person.churned_at", op: "not_exists" },
        ],
        {},
        pro,
      ),
    ).toBe(true);
    expect(evaluateTriggerConditions([], {}, undefined)).toBe(true);
  });

  it("treats person.* as missing when persons is not configured or the person is unknown", async () => {
    const { persons } = stubPersons({});
    for (const props of [
      await personPropertiesFor(proOnly, undefined, "u1"),
      await personPropertiesFor(proOnly, persons, "ghost"),
    ]) {
      expect(props).toBeUndefined();
      expect(evaluateTriggerConditions([{ property: "person.plan", op: "not_exists" }], {}, props)).toBe(
        true,
      );
      expect(evaluateTriggerConditions([{ property: "person.plan", op: "exists" }], {}, props)).toBe(false);
      expect(
        evaluateTriggerConditions([{ property: "person.plan", op: "neq", value: "pro" }], {}, props),
      ).toBe(true);
    }
  });

  it("decideAdmission applies them as part of trigger.where", () => {
    const meta: JourneyMeta = {
      id: "pro-onboarding",
      name: "Pro onboarding",
      enabled: true,
      trigger: { event: "user_signed_up", where: [{ property: "person.plan", op: "eq", value: "pro" }] },
      entryLimit: "once",
    };
    const facts = {
      configEnabled: undefined,
      eventProperties: {},
      entries: { count: 0, latestStartedAt: undefined },
      unsubscribedAll: false,
      now: new Date(),
    };
    expect(decideAdmission(meta, { ...facts, personProperties: { plan: "pro" } })).toEqual({
      ok: true,
      entryCount: 1,
    });
    expect(decideAdmission(meta, { ...facts, personProperties: { plan: "free" } })).toEqual({
      ok: false,
      reason: "trigger.where not met",
    });
    expect(decideAdmission(meta, facts)).toEqual({ ok: false, reason: "trigger.where not met" });
  });
});
