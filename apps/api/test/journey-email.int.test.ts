import { randomUUID } from "node:crypto";
import { type FakeResend, startFakeResend } from "@hogsend/devstack/fakes";
import { eventually, testStack } from "@hogsend/devstack/testing";
import { setupTestApp } from "@hogsend/engine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { content } from "../src/content.js";
import { paymentRecovery } from "../src/journeys/payment-recovery.js";
import { welcome } from "../src/journeys/welcome.js";

/**
 * A journey sending real email on the real Hatchet engine, through the resend SDK to a local
 * fake Resend: event → journey → ctx.sendEmail → send-email task → provider.
 */
const stack = testStack();
let resend: FakeResend;
// Registered before setupTestApp: the fake is up before the client reads its URL, and closes last.
beforeAll(async () => {
  resend = await startFakeResend({ apiKey: "re_journey_key" });
});
afterAll(async () => {
  await resend?.close();
});
const api = setupTestApp({
  env: () => ({
    EMAIL_PROVIDER: "resend",
    RESEND_API_KEY: "re_journey_key",
    RESEND_BASE_URL: resend.url,
    // A namespace of its own: other files' workers register the same journeys.
    HATCHET_CLIENT_NAMESPACE: `${stack.HATCHET_CLIENT_NAMESPACE}_mail`,
  }),
  role: "worker",
  content: { ...content, journeys: [welcome, paymentRecovery] },
  keys: ["ingest"],
  worker: { name: "e2e-journey-email", slots: 10 },
});

async function ingest(body: Record<string, unknown>) {
  const res = await api.app.request("/v1/events", {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json", authorization: `Bearer ${api.keys.ingest}` },
  });
  expect(res.status).toBe(202);
  return (await res.json()) as { contactId: string };
}

const emailsTo = (address: string) => resend.emails.filter((e) => [e.payload.to].flat().includes(address));

describe("journeys send real email", () => {
  it("the welcome journey mails a new user through Resend with one-click unsubscribe, once", async () => {
    const userId = `user_${randomUUID()}`;
    const address = `${userId}@example.com`;
    const { contactId } = await ingest({
      name: "user_signed_up",
      userId,
      email: address,
      contactProperties: { firstName: "Nia" },
    });
    const [email] = await eventually("the welcome email at the fake Resend", () => {
      const found = emailsTo(address);
      return found.length > 0 && found;
    });
    expect(email?.payload.subject).toBeTruthy();
    expect(String(email?.payload.html)).toContain("Nia");
    const headers = email?.payload.headers as Record<string, string>;
    expect(headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    // The send's own key rides as a tag; the request's Idempotency-Key names the whole batch.
    const tags = email?.payload.tags as { name: string; value: string }[];
    expect(tags.find((t) => t.name === "idempotency_key")?.value).toMatch(/^hogsend-send-[0-9a-f-]{36}$/);

    // The provider answers before the send row records it: wait for the row to settle.
    const rows = await eventually("the send to settle", async () => {
      const found = await api.client.db.sql<{ status: string; template: string; journey_id: string }[]>`
        select status, template, journey_id from email_sends where contact_id = ${contactId}`;
      return found.length > 0 && found.every((r) => r.status !== "queued" && r.status !== "sending") && found;
    });
    expect(rows).toEqual([{ status: "sent", template: "welcome", journey_id: "welcome" }]);
    // The run goes on to its one-day sleep; nothing is sent twice on the way.
    await eventually("the welcome run's one-day sleep", async () => {
      const [state] = await api.client.db.sql<{ status: string; current_step: string }[]>`
        select status, current_step from journey_states where user_key = ${contactId} and journey_id = 'welcome'`;
      return state?.status === "waiting" && state.current_step === "sleep:1d";
    });
    expect(emailsTo(address)).toHaveLength(1);
    expect(await api.client.db.sql`select 1 from email_sends where contact_id = ${contactId}`).toHaveLength(
      1,
    );
  }, 90_000);

  it("records a suppressed contact's journey email as suppressed and calls no provider", async () => {
    const userId = `user_${randomUUID()}`;
    const address = `${userId}@example.com`;
    const { contactId } = await ingest({ name: "user_seen", userId, email: address });
    await api.client.db.sql`insert into email_preferences (contact_id, suppressed, suppressed_reason)
      values (${contactId}, true, 'bounced 3 times')`;
    await ingest({ name: "payment_failed", userId, eventProperties: { invoiceId: "inv_9" } });
    const [row] = await eventually("the suppressed send", async () => {
      const found = await api.client.db.sql<{ status: string; reason: string }[]>`
        select status, reason from email_sends where contact_id = ${contactId}`;
      return found.length > 0 && found;
    });
    expect(row).toEqual({ status: "suppressed", reason: "suppressed: bounced 3 times" });
    expect(emailsTo(address)).toHaveLength(0);
  }, 90_000);
});
