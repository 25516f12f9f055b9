import { describe, expect, it } from "vitest";
import { type EventToWrite, planWrites, type WriteRequest } from "./write-plan.js";

let n = 0;
const newId = () => `new-${++n}`;
const at = (minute: number) => new Date(Date.UTC(2026, 11, 3, 10, minute));
const event = (key: string, minute = 0): EventToWrite => ({
  id: `ev-${key}`,
  name: "page_viewed",
  properties: {},
  source: "api",
  idempotencyKey: key,
  occurredAt: at(minute),
  consumable: false,
});
const identify = (
  identity: Extract<WriteRequest, { kind: "identify" }>["identity"],
  key: string,
  extra: { props?: Record<string, unknown>; minute?: number; emailTrusted?: boolean } = {},
): WriteRequest => ({
  kind: "identify",
  identity,
  emailTrusted: extra.emailTrusted ?? true,
  contactProperties: extra.props,
  event: event(key, extra.minute),
});

describe("planWrites", () => {
  it("lets a tuple's email replace a contact's only when one of its senders is trusted with it", () => {
    const ann = { externalId: "u1", email: "ann@example.com" };
    const untrusted = planWrites([identify(ann, "k1", { emailTrusted: false })], () => "n");
    expect(untrusted.contacts[0]?.emailTrusted).toBe(false);
    const mixed = planWrites(
      [identify(ann, "k1", { emailTrusted: false }), identify(ann, "k2", { emailTrusted: true })],
      () => "n",
    );
    expect(mixed.contacts).toHaveLength(1);
    expect(mixed.contacts[0]?.emailTrusted).toBe(true);
  });

  it("shares one contact tuple among requests naming the same identity, merging properties in order", () => {
    const plan = planWrites(
      [
        identify({ externalId: "u1" }, "a", { props: { plan: "free", seat: 1 }, minute: 5 }),
        identify({ externalId: "u2" }, "b"),
        identify({ externalId: "u1" }, "c", { props: { plan: "pro" }, minute: 2 }),
      ],
      newId,
    );
    expect(plan.contacts).toHaveLength(2);
    const u1 = plan.contacts[plan.tupleOf.get(0) ?? -1];
    expect(u1).toMatchObject({ externalId: "u1", properties: { plan: "pro", seat: 1 }, seenAt: at(5) });
    expect(plan.tupleOf.get(2)).toBe(plan.tupleOf.get(0));
    expect(plan.events.map((e) => e.idempotencyKey).sort()).toEqual(["a", "b", "c"]);
    expect(plan.oneByOne).toEqual([]);
  });

  it("matches emails without regard to case", () => {
    const plan = planWrites(
      [identify({ email: "Ada@Example.com" }, "a"), identify({ email: "ada@example.com" }, "b")],
      newId,
    );
    expect(plan.contacts).toHaveLength(1);
    expect(plan.oneByOne).toEqual([]);
  });

  it("writes requests whose identities overlap differently one by one, in arrival order", () => {
    const plan = planWrites(
      [
        identify({ anonymousId: "anon" }, "a"),
        identify({ externalId: "u9" }, "b"),
        identify({ anonymousId: "anon", externalId: "u1" }, "c"),
        identify({ externalId: "u1", email: "x@example.com" }, "d"),
      ],
      newId,
    );
    // a, c and d are one person seen three ways: the order decides the merge.
    expect(plan.oneByOne).toEqual([0, 2, 3]);
    expect(plan.contacts).toHaveLength(1);
    expect(plan.tupleOf.has(1)).toBe(true);
    expect(plan.events.map((e) => e.idempotencyKey)).toEqual(["b"]);
  });

  it("answers a repeated idempotency key in the batch from its first request", () => {
    const plan = planWrites(
      [identify({ externalId: "u1" }, "k"), identify({ externalId: "u2" }, "k")],
      newId,
    );
    expect(plan.replayOf.get(1)).toBe(0);
    expect(plan.events).toHaveLength(1);
    expect(plan.contacts).toHaveLength(1);
  });

  it("keys events about known contacts by contact id, without identity", () => {
    const plan = planWrites(
      [
        { kind: "known", contactId: "c1", event: event("a") },
        { kind: "known", contactId: "c1", event: event("b") },
      ],
      newId,
    );
    expect(plan.contacts).toEqual([{ knownId: "c1", seenAt: at(0) }]);
    expect(plan.events.map((e) => e.contact)).toEqual([0, 0]);
  });
});
