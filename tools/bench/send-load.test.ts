import { describe, expect, it } from "vitest";
import { planSends } from "./send-load.js";

const plan = (count: number, contacts: number, journeyShare: number) =>
  planSends({
    keyPrefix: "bench-x-run",
    count,
    contacts,
    journeyShare,
    template: "welcome",
    props: { firstName: "Ada" },
    trigger: "user_signed_up",
  });
const requests = (p: ReturnType<typeof plan>) =>
  Array.from({ length: p.count }, (_, i) => {
    const r = p.request(i);
    return { path: r.path, body: JSON.parse(r.body) as Record<string, unknown> };
  });

describe("planSends", () => {
  it("sends the journey's share as one trigger per contact, spread between the POST /v1/emails", () => {
    const p = plan(100, 20, 0.1);
    const all = requests(p);
    const triggers = all.filter((r) => r.path === "/v1/events");
    expect(p.journeySends).toBe(10);
    expect(triggers.map((r) => r.body.userId)).toEqual(
      Array.from({ length: 10 }, (_, n) => `bench-x-run-user-${n}`),
    );
    // One in every ten requests, not all at the start or the end.
    expect(all.map((r, i) => (r.path === "/v1/events" ? i : -1)).filter((i) => i >= 0)).toEqual([
      9, 19, 29, 39, 49, 59, 69, 79, 89, 99,
    ]);
    expect(triggers[0]?.body).toMatchObject({
      name: "user_signed_up",
      email: "bench-x-run-user-0@example.com",
      idempotencyKey: "bench-x-run-signup-0",
    });
  });

  it("sends the rest through POST /v1/emails round the contacts, each under a key of its own", () => {
    const emails = requests(plan(100, 20, 0.1)).filter((r) => r.path === "/v1/emails");
    expect(emails).toHaveLength(90);
    expect(new Set(emails.map((r) => r.body.idempotencyKey)).size).toBe(90);
    expect(new Set(emails.map((r) => r.body.userId)).size).toBe(20);
    expect(emails[21]?.body).toEqual({
      to: "bench-x-run-user-1@example.com",
      userId: "bench-x-run-user-1",
      template: "welcome",
      props: { firstName: "Ada" },
      idempotencyKey: "bench-x-run-email-21",
    });
  });

  it("refuses more journey sends than contacts: each contact enrolls once", () => {
    expect(() => plan(100, 5, 0.1)).toThrow(/10 journey sends need as many contacts/);
    expect(plan(100, 5, 0).journeySends).toBe(0);
  });
});
