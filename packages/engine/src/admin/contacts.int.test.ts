import { randomUUID } from "node:crypto";
import { createApiKey } from "@hogsend/access";
import {
  claimEmailSend,
  insertEmailSendOnce,
  insertJourneyState,
  markEmailSent,
  recordEngagement,
} from "@hogsend/db";
import { describe, expect, it } from "vitest";
import { setupTestApp } from "../testing.js";

const ADMIN_KEY = `adm_${randomUUID()}${randomUUID()}`;
const api = setupTestApp({ env: { ADMIN_API_KEY: ADMIN_KEY }, keys: ["ingest"] });

const asAdmin = (path: string) => api.request(path, { key: ADMIN_KEY });

async function ingest(body: Record<string, unknown>) {
  const res = await api.request("/v1/events", { method: "POST", body, key: api.keys.ingest });
  expect(res.status).toBe(202);
  return (await res.json()) as { contactId: string; eventId: string };
}

type ContactPage = {
  items: { id: string; email: string | null; userId: string | null }[];
  nextCursor: string | null;
};

describe("GET /v1/admin/contacts", () => {
  it("answers 401 without credentials and 403 to an ingest-only key, on the list and the detail", async () => {
    const id = randomUUID();
    expect((await api.app.request("/v1/admin/contacts")).status).toBe(401);
    expect((await api.app.request(`/v1/admin/contacts/${id}`)).status).toBe(401);
    const forbidden = await api.request("/v1/admin/contacts", { key: api.keys.ingest });
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as { error: { code: string } }).error.code).toBe("FORBIDDEN");
    const read = (await createApiKey(api.client.db.db, { name: "read", scopes: ["read"], createdBy: "test" }))
      .secret;
    expect((await api.request("/v1/admin/contacts", { key: read })).status).toBe(200);
  });

  it("searches by part of an email or user id, any case, and pages newest-seen first without gaps", async () => {
    const tag = randomUUID().slice(0, 8);
    const seen: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { contactId } = await ingest({
        name: "signed_in",
        userId: `user-${tag}-${i}`,
        email: `Person${i}.${tag}@Example.com`,
        // Distinct, increasing activity times: the newest is contact 4.
        timestamp: new Date(Date.UTC(2030, 0, 1, 0, i)).toISOString(),
      });
      seen.push(contactId);
    }
    await ingest({ name: "signed_in", userId: `someone-else-${randomUUID()}` });

    const pages: ContactPage[] = [];
    let cursor: string | null = null;
    do {
      const res = await asAdmin(
        `/v1/admin/contacts?search=${tag.toUpperCase()}&limit=2${cursor ? `&cursor=${cursor}` : ""}`,
      );
      expect(res.status).toBe(200);
      const page = (await res.json()) as ContactPage;
      pages.push(page);
      cursor = page.nextCursor;
    } while (cursor);
    expect(pages.map((p) => p.items.length)).toEqual([2, 2, 1]);
    expect(pages.flatMap((p) => p.items.map((c) => c.id))).toEqual([...seen].reverse());

    const byUserId = (await (await asAdmin(`/v1/admin/contacts?search=user-${tag}-3`)).json()) as ContactPage;
    expect(byUserId.items.map((c) => c.id)).toEqual([seen[3]]);
    const byId = (await (await asAdmin(`/v1/admin/contacts?search=${seen[1]}`)).json()) as ContactPage;
    expect(byId.items.map((c) => c.id)).toEqual([seen[1]]);
    // LIKE wildcards in the search are literal characters.
    const wildcard = (await (await asAdmin(`/v1/admin/contacts?search=${tag}%25_`)).json()) as ContactPage;
    expect(wildcard.items).toEqual([]);
  });

  it("filters by one property's value, as JSON when it reads as JSON, and refuses a filter without =", async () => {
    const tag = randomUUID().slice(0, 8);
    const pro = await ingest({
      name: "seen",
      userId: `prop-${tag}-1`,
      contactProperties: { [`plan_${tag}`]: "pro", seats: 3 },
    });
    await ingest({
      name: "seen",
      userId: `prop-${tag}-2`,
      contactProperties: { [`plan_${tag}`]: "free", seats: "3" },
    });
    const byPlan = (await (
      await asAdmin(`/v1/admin/contacts?property=plan_${tag}%3Dpro`)
    ).json()) as ContactPage;
    expect(byPlan.items.map((c) => c.id)).toEqual([pro.contactId]);
    const bySeats = (await (
      await asAdmin(`/v1/admin/contacts?property=seats%3D3&search=prop-${tag}`)
    ).json()) as ContactPage;
    expect(bySeats.items.map((c) => c.id)).toEqual([pro.contactId]);
    const bad = await asAdmin("/v1/admin/contacts?property=plan");
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { details: { fields: { field: string }[] } } };
    expect(body.error.details.fields.map((f) => f.field)).toEqual(["property"]);
  });

  it("refuses a cursor it did not issue and an out-of-range limit with 400 naming the field", async () => {
    const bad = await asAdmin("/v1/admin/contacts?cursor=garbage");
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { code: string; details: { fields: { field: string }[] } } };
    expect(body.error.code).toBe("VALIDATION_FAILED");
    expect(body.error.details.fields.map((f) => f.field)).toEqual(["cursor"]);
    const forged = Buffer.from("k:2030-01-01 00:00:00+00|'; drop table contacts; --").toString("base64url");
    expect((await asAdmin(`/v1/admin/contacts?cursor=${forged}`)).status).toBe(400);
    expect((await asAdmin("/v1/admin/contacts?limit=0")).status).toBe(400);
    expect((await asAdmin("/v1/admin/contacts?limit=201")).status).toBe(400);
  });
});

describe("GET /v1/admin/contacts/:id", () => {
  it("shows the contact with its events newest first, its enrollments and its sends", async () => {
    const userId = `u_${randomUUID()}`;
    const first = await ingest({
      name: "signed_up",
      userId,
      email: `${userId}@example.com`,
      eventProperties: { plan: "trial" },
      contactProperties: { company: "Acme" },
      timestamp: "2030-02-01T10:00:00.000Z",
    });
    const second = await ingest({ name: "upgraded", userId, timestamp: "2030-02-02T10:00:00.000Z" });
    // Someone else's event stays out of this timeline.
    await ingest({ name: "upgraded", userId: `u_${randomUUID()}` });
    const state = await insertJourneyState(api.client.db.db, {
      journeyId: "welcome",
      userKey: first.contactId,
      contactId: first.contactId,
      hatchetRunId: `run-${randomUUID()}`,
      triggerEventId: first.eventId,
    });

    const sendTo = async (contactId: string, template: string, createdAt: string) =>
      (
        await insertEmailSendOnce(api.client.db.db, {
          idempotencyKey: `test:${randomUUID()}`,
          contactId,
          toEmail: `${userId}@example.com`,
          template,
          category: "onboarding",
          subject: `About ${template}`,
          createdAt: new Date(createdAt),
        })
      ).send;
    const welcome = await sendTo(first.contactId, "welcome", "2030-02-01T10:01:00.000Z");
    await claimEmailSend(api.client.db.db, welcome.id, 60_000);
    await markEmailSent(api.client.db.db, welcome.id, {
      provider: "outbox",
      providerMessageId: randomUUID(),
    });
    const openedAt = new Date("2030-02-01T11:00:00.000Z");
    await recordEngagement(api.client.db.db, welcome.id, "opened", openedAt);
    const nudge = await sendTo(first.contactId, "nudge", "2030-02-02T10:01:00.000Z");
    // Someone else's send stays out of this timeline.
    await sendTo(
      (await ingest({ name: "signed_up", userId: `u_${randomUUID()}` })).contactId,
      "welcome",
      "2030-02-03T00:00:00.000Z",
    );

    const res = await asAdmin(`/v1/admin/contacts/${first.contactId}`);
    expect(res.status).toBe(200);
    const detail = (await res.json()) as {
      contact: Record<string, unknown>;
      preferences: unknown;
      events: { id: string; name: string; properties: Record<string, unknown> }[];
      eventsNextCursor: string | null;
      journeyStates: { id: string; journeyId: string; status: string }[];
      sends: Record<string, unknown>[];
    };
    expect(detail.contact).toMatchObject({
      id: first.contactId,
      userId,
      email: `${userId}@example.com`,
      properties: { company: "Acme" },
      deletedAt: null,
    });
    expect(detail.preferences).toBeNull();
    expect(detail.events.map((e) => [e.id, e.name])).toEqual([
      [second.eventId, "upgraded"],
      [first.eventId, "signed_up"],
    ]);
    expect(detail.events[1]?.properties).toEqual({ plan: "trial" });
    expect(detail.eventsNextCursor).toBeNull();
    expect(detail.journeyStates).toEqual([
      expect.objectContaining({ id: state?.id, journeyId: "welcome", status: "active" }),
    ]);
    expect(detail.sends).toEqual([
      {
        id: nudge.id,
        template: "nudge",
        subject: "About nudge",
        status: "queued",
        createdAt: "2030-02-02T10:01:00.000Z",
        sentAt: null,
        firstOpenedAt: null,
        firstClickedAt: null,
      },
      {
        id: welcome.id,
        template: "welcome",
        subject: "About welcome",
        status: "sent",
        createdAt: "2030-02-01T10:01:00.000Z",
        sentAt: expect.any(String),
        firstOpenedAt: openedAt.toISOString(),
        firstClickedAt: null,
      },
    ]);
  });

  it("answers 404 for an unknown contact and 400 for an id that is not a uuid", async () => {
    const res = await asAdmin(`/v1/admin/contacts/${randomUUID()}`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("NOT_FOUND");
    expect((await asAdmin("/v1/admin/contacts/not-a-uuid")).status).toBe(400);
  });
});
