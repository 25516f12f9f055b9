import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { eventually } from "@hogsend/devstack/testing";
import { defineJourney, selectJourneys } from "@hogsend/engine";
import { setupTestApp } from "@hogsend/engine/testing";
import { describe, expect, it } from "vitest";
import { content } from "../src/content.js";
import { welcome } from "../src/journeys/welcome.js";

/** Sleeps briefly, waits for this order's checkout, branches, and reacts. */
const checkout = defineJourney({
  meta: {
    id: "e2e-checkout",
    name: "E2E checkout",
    enabled: true,
    trigger: { event: "e2e_order_placed" },
    entryLimit: "unlimited",
  },
  async run(user, ctx) {
    await ctx.sleep("2s");
    const orderId = String(user.event.properties.orderId);
    const paid = await ctx.waitForEvent({
      event: "e2e_checkout_completed",
      timeout: "90s",
      match: { orderId },
    });
    if (paid.timedOut) {
      await ctx.checkpoint("branch:abandoned");
      return;
    }
    await ctx.checkpoint("branch:paid", { total: paid.properties.total });
    await ctx.trigger("e2e_thanks", { orderId });
  },
});

/** Long sleep, ended by exitOn. */
const dunning = defineJourney({
  meta: {
    id: "e2e-dunning",
    name: "E2E dunning",
    enabled: true,
    trigger: { event: "e2e_payment_failed" },
    entryLimit: "unlimited",
    exitOn: ["e2e_payment_succeeded"],
  },
  async run(_user, ctx) {
    await ctx.sleep("10m");
    await ctx.checkpoint("send:after-sleep");
  },
});

const root = resolve(import.meta.dirname, "../../..");
const api = setupTestApp({
  env: { POSTHOG_WEBHOOK_SECRET: "ph-secret" },
  content: { ...content, journeys: [welcome, checkout, dunning] },
  keys: ["ingest"],
  worker: { name: "e2e-journeys", slots: 20 },
});

async function send(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const res = await api.app.request("/v1/events", {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json", authorization: `Bearer ${api.keys.ingest}`, ...headers },
  });
  expect(res.status).toBe(202);
  return (await res.json()) as {
    contactId: string;
    eventId: string;
    exits: number;
    duplicate: boolean;
    pushed: boolean;
  };
}

const states = (userKey: string, journeyId: string) =>
  api.client.db
    .sql`select * from journey_states where user_key = ${userKey} and journey_id = ${journeyId} order by started_at`;
const logs = (stateId: string) =>
  api.client.db.sql<
    { kind: string; message: string }[]
  >`select kind, message from journey_logs where journey_state_id = ${stateId} order by created_at`;

describe("journeys on the real Hatchet engine", () => {
  it("(a) enrolls on an event, sleeps, waits for the correlated event, branches and completes", async () => {
    const userId = `u_${randomUUID()}`;
    const { contactId } = await send({
      name: "e2e_order_placed",
      userId,
      eventProperties: { orderId: "o-1" },
    });
    const [waiting] = await eventually("the wait", async () => {
      const rows = await states(contactId, "e2e-checkout");
      return rows[0]?.current_step === "wait:e2e_checkout_completed" && rows;
    });
    expect(waiting?.status).toBe("waiting");

    // Another order's checkout does not wake this run. Hatchet holds the event once the 202 says
    // `pushed`; nothing then signals that it let the event pass, so this negative check waits a
    // bounded second (a matching event wakes a wait here in well under that). The paid branch's
    // total below also catches a wrong wake that comes later.
    const other = await send({
      name: "e2e_checkout_completed",
      userId,
      eventProperties: { orderId: "o-2", total: 5 },
    });
    expect(other.pushed).toBe(true);
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await states(contactId, "e2e-checkout"))[0]?.status).toBe("waiting");

    await send({ name: "e2e_checkout_completed", userId, eventProperties: { orderId: "o-1", total: 42 } });
    const [done] = await eventually("completion", async () => {
      const rows = await states(contactId, "e2e-checkout");
      return rows[0]?.status === "completed" && rows;
    });
    const kinds = (await logs(done?.id)).map((l) => `${l.kind}:${l.message}`);
    // Named from the journey's trigger: the run never reads the event back.
    expect(kinds[0]).toBe("entered:entered on e2e_order_placed");
    expect(kinds).toContain("checkpoint:branch:paid");
    // Woken by its own order's checkout (total 42), not the other order's (total 5).
    const paid = await api.client.db.sql<{ data: Record<string, unknown> }[]>`
      select data from journey_logs where journey_state_id = ${done?.id} and message = 'branch:paid'`;
    expect(paid.map((l) => l.data)).toEqual([{ total: 42 }]);
    expect(kinds).not.toContain("checkpoint:branch:abandoned");
    expect(kinds.at(-1)).toBe("completed:completed");
    const emitted = await api.client.db
      .sql`select event from user_events where user_key = ${contactId} and event in ('e2e_thanks', 'journey.completed')`;
    expect(emitted.map((e) => e.event).sort()).toEqual(["e2e_thanks", "journey.completed"]);
  }, 90_000);

  it("(b) stores a repeated event once and enrolls once", async () => {
    const userId = `u_${randomUUID()}`;
    const idem = `order-${randomUUID()}`;
    const first = await send({ name: "e2e_payment_failed", userId }, { "idempotency-key": idem });
    const again = await send({ name: "e2e_payment_failed", userId }, { "idempotency-key": idem });
    expect(again.duplicate).toBe(true);
    await eventually(
      "the enrollment",
      async () => (await states(first.contactId, "e2e-dunning")).length === 1,
    );
    // A different event while enrolled is refused by the live-enrollment index, not a second state.
    await send({ name: "e2e_payment_failed", userId });
    await eventually("the skip", async () => {
      const rows = await api.client.db
        .sql`select 1 from journey_logs where user_key = ${first.contactId} and kind = 'skipped' and message = 'already active'`;
      return rows.length === 1;
    });
    expect(await states(first.contactId, "e2e-dunning")).toHaveLength(1);
    expect(await api.client.db.sql`select 1 from user_events where idempotency_key = ${idem}`).toHaveLength(
      1,
    );
  }, 90_000);

  it("(b2) an event pushed for a contact deleted meanwhile enrolls no one", async () => {
    // An event no journey triggers on, standing in for one stored just before the deletion.
    const { contactId, eventId } = await send({ name: "e2e_profile_viewed", userId: `u_${randomUUID()}` });
    await api.client.db.sql`update contacts set deleted_at = now() where id = ${contactId}`;
    // Delivered as the pusher would, after the deletion.
    const payload = { eventId, userKey: contactId, properties: {}, occurredAt: new Date().toISOString() };
    await api.client.hatchet.events.push("e2e_payment_failed", payload, { scope: contactId });
    await eventually("the skip", async () => {
      const rows = await api.client.db
        .sql`select 1 from journey_logs where user_key = ${contactId} and journey_id = 'e2e-dunning' and kind = 'skipped' and message = 'contact deleted'`;
      return rows.length === 1;
    });
    expect(await states(contactId, "e2e-dunning")).toHaveLength(0);
  }, 90_000);

  it("(c) an exitOn event during a sleep exits the state and cancels the run", async () => {
    const userId = `u_${randomUUID()}`;
    const { contactId } = await send({ name: "e2e_payment_failed", userId });
    const [sleeping] = await eventually("the sleep", async () => {
      const rows = await states(contactId, "e2e-dunning");
      return rows[0]?.status === "waiting" && rows;
    });
    const exit = await send({ name: "e2e_payment_succeeded", userId });
    expect(exit.exits).toBe(1);
    const [exited] = await states(contactId, "e2e-dunning");
    expect(exited).toMatchObject({ status: "exited", exit_reason: "exitOn:e2e_payment_succeeded" });
    await eventually(
      "the cancelled run",
      async () => (await api.client.hatchet.runs.get_status(sleeping?.hatchet_run_id)) === "CANCELLED",
    );
    expect((await logs(sleeping?.id)).map((l) => l.message)).not.toContain("send:after-sleep");
  }, 90_000);

  it("(e) the PostHog fixture enrolls its user in the welcome journey, which mails them through the dev outbox", async () => {
    const fixture = JSON.parse(
      readFileSync(join(root, "../shared/fixtures/posthog/user-signed-up.json"), "utf8"),
    );
    fixture.event.uuid = randomUUID();
    fixture.event.distinct_id = `user_${randomUUID()}`;
    fixture.person.properties.email = `${fixture.event.distinct_id}@example.com`;
    const res = await api.app.request("/v1/webhooks/posthog", {
      method: "POST",
      body: JSON.stringify(fixture),
      headers: { "content-type": "application/json", "x-posthog-webhook-secret": "ph-secret" },
    });
    expect(res.status).toBe(202);
    const { accepted } = (await res.json()) as { accepted: { contactId: string }[] };
    const contactId = accepted[0]?.contactId as string;
    const [state] = await eventually("the welcome enrollment", async () => {
      const rows = await states(contactId, "welcome");
      return rows[0]?.current_step === "sleep:1d" && rows;
    });
    expect(state?.status).toBe("waiting");
    expect(await logs(state?.id)).toContainEqual({ kind: "email", message: "welcome" });
    // The send-email task delivered it to the outbox provider (no account needed in dev).
    const [message] = await eventually("the welcome email in the outbox", async () => {
      const rows = await api.client.db.sql<
        { subject: string; send_id: string; headers: Record<string, string> }[]
      >`
        select subject, send_id, headers from outbox_messages where "to" = ${fixture.person.properties.email}`;
      return rows.length > 0 && rows;
    });
    expect(message?.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    // The outbox holds the message before the send row records it: wait for the row to settle.
    const [row] = await eventually("the send to settle", async () => {
      const rows = await api.client.db.sql<
        { status: string; journey_id: string; journey_state_id: string }[]
      >`
        select status, journey_id, journey_state_id from email_sends where id = ${message?.send_id as string}`;
      return rows[0] && rows[0].status !== "queued" && rows[0].status !== "sending" && rows;
    });
    expect(row).toEqual({ status: "sent", journey_id: "welcome", journey_state_id: state?.id });
  }, 90_000);
});

describe("ENABLED_JOURNEYS", () => {
  it("selects journeys by id and refuses unknown ids with a suggestion", () => {
    expect(selectJourneys([welcome, checkout], "*")).toHaveLength(2);
    expect(selectJourneys([welcome, checkout], "welcome").map((j) => j.meta.id)).toEqual(["welcome"]);
    expect(() => selectJourneys([welcome, checkout], "welcom, nope")).toThrow(
      /welcom \(did you mean welcome\?\), nope/,
    );
  });
});
