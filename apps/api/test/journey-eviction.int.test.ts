import { randomUUID } from "node:crypto";
import { type FakeResend, startFakeResend } from "@hogsend/devstack/fakes";
import { eventually, testStack } from "@hogsend/devstack/testing";
import { defineJourney } from "@hogsend/engine";
import { setupTestApp } from "@hogsend/engine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { content } from "../src/content.js";

/** How many times each contact's run function started: a replay after an eviction starts it again. */
const starts = new Map<string, number>();

/** Mails, waits past the eviction TTL, mails again. */
const twoStep = defineJourney({
  meta: {
    id: "e2e-evicted",
    name: "E2E evicted between two emails",
    enabled: true,
    trigger: { event: "e2e_evict_me" },
    entryLimit: "once",
    category: "onboarding",
  },
  async run(user, ctx) {
    starts.set(user.contactId, (starts.get(user.contactId) ?? 0) + 1);
    await ctx.sendEmail({ template: "welcome", props: { firstName: "Eve" } });
    await ctx.sleep("4s");
    await ctx.sendEmail({ template: "getting-started-tips", props: { firstName: "Eve" } });
  },
});

const stack = testStack();
let resend: FakeResend;
beforeAll(async () => {
  resend = await startFakeResend({ apiKey: "re_evict_key" });
});
afterAll(async () => {
  await resend?.close();
});
const api = setupTestApp({
  env: () => ({
    EMAIL_PROVIDER: "resend",
    RESEND_API_KEY: "re_evict_key",
    RESEND_BASE_URL: resend.url,
    HATCHET_CLIENT_NAMESPACE: `${stack.HATCHET_CLIENT_NAMESPACE}_evict`,
    // Shorter than the journey's sleep: the waiting run leaves the worker and replays on wake.
    JOURNEY_EVICT_AFTER: "1s",
  }),
  role: "worker",
  content: { ...content, journeys: [twoStep] },
  keys: ["ingest"],
  worker: { name: "e2e-journey-eviction", slots: 10 },
});

describe("a journey run evicted while it waits", () => {
  it("replays on wake and goes on from where it was: each email once, the run completed", async () => {
    const userId = `user_${randomUUID()}`;
    const address = `${userId}@example.com`;
    const res = await api.app.request("/v1/events", {
      method: "POST",
      body: JSON.stringify({ name: "e2e_evict_me", userId, email: address }),
      headers: { "content-type": "application/json", authorization: `Bearer ${api.keys.ingest}` },
    });
    expect(res.status).toBe(202);
    const { contactId } = (await res.json()) as { contactId: string };

    const state = await eventually(
      "the run to complete",
      async () => {
        const [row] = await api.client.db.sql<{ status: string }[]>`
          select status from journey_states where user_key = ${contactId} and journey_id = 'e2e-evicted'`;
        return row?.status === "completed" && row;
      },
      { timeoutMs: 60_000 },
    );
    expect(state).toEqual({ status: "completed" });
    // Evicted during the sleep, so the function started again, and sent nothing twice.
    expect(starts.get(contactId)).toBeGreaterThanOrEqual(2);
    const sends = await eventually("both sends to settle", async () => {
      const rows = await api.client.db.sql<{ template: string; status: string }[]>`
        select template, status from email_sends where contact_id = ${contactId} order by created_at`;
      return rows.length === 2 && rows.every((r) => r.status === "sent") && rows;
    });
    expect(sends.map((s) => s.template)).toEqual(["welcome", "getting-started-tips"]);
    const received = resend.emails.filter((e) => [e.payload.to].flat().includes(address));
    expect(received.map((e) => e.payload.subject)).toHaveLength(2);
  }, 90_000);
});
