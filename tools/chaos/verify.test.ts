import { describe, expect, it } from "vitest";
import { type ChaosFacts, chaosPassed, verifyChaos } from "./verify.js";

const keyOf = (id: string) => `hogsend-send-${id}`;

/** Two journeys, each enrolled once, completed, and both emails accepted once. */
function cleanRun(): ChaosFacts {
  const recipients = ["a@x.test", "b@x.test"];
  const templates = ["welcome", "tips"];
  const sends = recipients.flatMap((to) =>
    templates.map((template) => ({ id: `${to}-${template}`, toEmail: to, template, status: "sent" })),
  );
  return {
    recipients,
    templates,
    ackedKeys: ["e1", "e2"],
    storedKeys: new Set(["e1", "e2"]),
    enrollments: recipients.map((recipient) => ({ recipient, status: "completed" })),
    sends,
    ledger: Object.fromEntries(sends.map((s) => [keyOf(s.id), [`m-${s.id}`]])),
    providerKeyOf: keyOf,
  };
}

describe("the chaos verdict", () => {
  it("passes a run where everything happened exactly once", () => {
    const verdict = verifyChaos(cleanRun());
    expect(verdict).toMatchObject({ completed: 2, emailsAccepted: 4, emailsExpected: 4, lost: 0 });
    expect(chaosPassed(verdict)).toBe(true);
  });

  it("fails an acknowledged event that was not stored", () => {
    const verdict = verifyChaos({ ...cleanRun(), storedKeys: new Set(["e1"]) });
    expect(verdict.eventsLost).toBe(1);
    expect(chaosPassed(verdict)).toBe(false);
  });

  it("fails a journey enrolled twice, or never completed", () => {
    const twice = verifyChaos({
      ...cleanRun(),
      enrollments: [...cleanRun().enrollments, { recipient: "a@x.test", status: "completed" }],
    });
    expect(twice.enrolledTwice).toBe(1);
    expect(chaosPassed(twice)).toBe(false);
    const stuck = verifyChaos({
      ...cleanRun(),
      enrollments: [
        { recipient: "a@x.test", status: "completed" },
        { recipient: "b@x.test", status: "waiting" },
      ],
    });
    expect(stuck).toMatchObject({ completed: 1, notCompleted: 1 });
    expect(chaosPassed(stuck)).toBe(false);
  });

  it("fails an email the provider accepted twice under one key", () => {
    const run = cleanRun();
    const key = keyOf("a@x.test-welcome");
    const verdict = verifyChaos({ ...run, ledger: { ...run.ledger, [key]: ["m1", "m2"] } });
    expect(verdict).toMatchObject({ duplicatesByKey: 1, duplicatesByRecipient: 1 });
    expect(chaosPassed(verdict)).toBe(false);
  });

  it("fails a second send row to the same recipient and template, though its key is new", () => {
    const run = cleanRun();
    const extra = { id: "again", toEmail: "a@x.test", template: "welcome", status: "sent" };
    const verdict = verifyChaos({
      ...run,
      sends: [...run.sends, extra],
      ledger: { ...run.ledger, [keyOf("again")]: ["m-again"] },
    });
    expect(verdict).toMatchObject({ duplicatesByKey: 0, duplicatesByRecipient: 1, emailsAccepted: 5 });
    expect(chaosPassed(verdict)).toBe(false);
  });

  it("fails an email never accepted, and one accepted that no send row explains", () => {
    const run = cleanRun();
    const { [keyOf("b@x.test-tips")]: _dropped, ...ledger } = run.ledger;
    const lost = verifyChaos({ ...run, ledger });
    expect(lost.lost).toBe(1);
    expect(chaosPassed(lost)).toBe(false);
    const stray = verifyChaos({ ...run, ledger: { ...run.ledger, "hogsend-send-unknown": ["m-x"] } });
    expect(stray.unrecorded).toBe(1);
    expect(chaosPassed(stray)).toBe(false);
  });
});
