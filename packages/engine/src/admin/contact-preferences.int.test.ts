import { randomUUID } from "node:crypto";
import { createApiKey } from "@hogsend/access";
import { getEmailPreferences, recordPermanentBounce, upsertContact } from "@hogsend/db";
import { describe, expect, it } from "vitest";
import { setupTestApp } from "../testing.js";

const ADMIN_KEY = `adm_${randomUUID()}${randomUUID()}`;
const api = setupTestApp({ env: { ADMIN_API_KEY: ADMIN_KEY }, keys: ["ingest", "read"] });

const get = (contactId: string, key = api.keys.read) =>
  api.request(`/v1/admin/contacts/${contactId}/preferences`, { key });
const put = (contactId: string, body: unknown, key = ADMIN_KEY) =>
  api.request(`/v1/admin/contacts/${contactId}/preferences`, { method: "PUT", body, key });

const newContact = async () =>
  (await upsertContact(api.client.db.db, { externalId: `u_${randomUUID()}` })).id;

type Prefs = {
  contactId: string;
  unsubscribedAll: boolean;
  optedOutCategories: string[];
  suppressed: boolean;
  suppressedReason: string | null;
  suppressedAt: string | null;
  bounceCount: number;
  updatedAt: string | null;
};
type ErrorBody = { error: { code: string; details: { fields: { field: string; message: string }[] } } };

const auditOf = (contactId: string) => api.client.db.sql`
  select action, actor_type, resource_type, metadata from audit_logs where resource_id = ${contactId} order by seq`;

describe("GET /v1/admin/contacts/:id/preferences", () => {
  it("answers 401 without credentials and 403 to an ingest-only key", async () => {
    const id = await newContact();
    expect((await api.app.request(`/v1/admin/contacts/${id}/preferences`)).status).toBe(401);
    expect((await get(id, api.keys.ingest)).status).toBe(403);
  });

  it("answers the defaults for a contact who never changed anything, without storing a row", async () => {
    const id = await newContact();
    const res = await get(id);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      contactId: id,
      unsubscribedAll: false,
      optedOutCategories: [],
      suppressed: false,
      suppressedReason: null,
      suppressedAt: null,
      bounceCount: 0,
      updatedAt: null,
    });
    expect(await getEmailPreferences(api.client.db.db, id)).toBeUndefined();
  });

  it("answers 404 for an unknown contact and 400 for an id that is not a uuid", async () => {
    const res = await get(randomUUID());
    expect(res.status).toBe(404);
    expect(((await res.json()) as ErrorBody).error.code).toBe("NOT_FOUND");
    expect((await get("not-a-uuid")).status).toBe(400);
  });
});

describe("PUT /v1/admin/contacts/:id/preferences", () => {
  it("needs full-admin: a read key is refused with 403 and nothing changes", async () => {
    const id = await newContact();
    const res = await put(id, { unsubscribedAll: true }, api.keys.read);
    expect(res.status).toBe(403);
    expect(await getEmailPreferences(api.client.db.db, id)).toBeUndefined();
    expect(await auditOf(id)).toEqual([]);
    const fullAdmin = (
      await createApiKey(api.client.db.db, { name: "admin", scopes: ["full-admin"], createdBy: "test" })
    ).secret;
    expect((await put(id, { unsubscribedAll: true }, fullAdmin)).status).toBe(200);
    expect((await auditOf(id)).map((a) => a.actor_type)).toEqual(["api_key"]);
  });

  it("changes the given fields, keeps the rest, and audits which fields changed", async () => {
    const id = await newContact();
    const res = await put(id, {
      unsubscribedAll: true,
      optedOutCategories: ["marketing", "product", "marketing"],
    });
    expect(res.status).toBe(200);
    const prefs = (await res.json()) as Prefs;
    expect(prefs).toMatchObject({
      contactId: id,
      unsubscribedAll: true,
      optedOutCategories: ["marketing", "product"],
      suppressed: false,
      updatedAt: expect.any(String),
    });
    expect((await (await get(id)).json()) as Prefs).toEqual(prefs);

    // Only the categories differ from what is stored: unsubscribedAll is left as it was.
    const second = (await (
      await put(id, { unsubscribedAll: true, optedOutCategories: ["product"] })
    ).json()) as Prefs;
    expect(second).toMatchObject({ unsubscribedAll: true, optedOutCategories: ["product"] });

    expect(await auditOf(id)).toEqual([
      {
        action: "contact.preferences.update",
        actor_type: "admin_key",
        resource_type: "contact",
        metadata: { changed: ["unsubscribedAll", "optedOutCategories"] },
      },
      {
        action: "contact.preferences.update",
        actor_type: "admin_key",
        resource_type: "contact",
        metadata: { changed: ["optedOutCategories"] },
      },
    ]);
  });

  it("suppresses as an operator, and un-suppressing lifts it and resets the bounce count", async () => {
    const operator = await newContact();
    const suppressed = (await (await put(operator, { suppressed: true })).json()) as Prefs;
    expect(suppressed).toMatchObject({
      suppressed: true,
      suppressedReason: "suppressed by an operator",
      suppressedAt: expect.any(String),
    });

    const bounced = await newContact();
    await recordPermanentBounce(api.client.db.db, bounced, 2, "mailbox does not exist");
    await recordPermanentBounce(api.client.db.db, bounced, 2, "mailbox does not exist");
    const before = (await (await get(bounced)).json()) as Prefs;
    expect(before).toMatchObject({ suppressed: true, bounceCount: 2 });
    // Suppressing again changes nothing: the bounce's reason stays.
    const again = (await (await put(bounced, { suppressed: true })).json()) as Prefs;
    expect(again.suppressedReason).toBe(before.suppressedReason);

    const lifted = await put(bounced, { suppressed: false });
    expect(lifted.status).toBe(200);
    expect(await lifted.json()).toMatchObject({
      suppressed: false,
      suppressedReason: null,
      suppressedAt: null,
      bounceCount: 0,
    });
    expect(await getEmailPreferences(api.client.db.db, bounced)).toMatchObject({
      suppressed: false,
      bounceCount: 0,
    });
    expect((await auditOf(bounced)).map((a) => (a.metadata as { changed: string[] }).changed)).toEqual([
      [],
      ["suppressed"],
    ]);
  });

  it("writes the reason for lifting a suppression into the audit log", async () => {
    const id = await newContact();
    await recordPermanentBounce(api.client.db.db, id, 1, "mailbox does not exist");
    const reason = "the recipient fixed their mailbox";
    const lifted = await put(id, { suppressed: false, reason: `  ${reason} ` });
    expect(lifted.status).toBe(200);
    expect(await lifted.json()).toMatchObject({ suppressed: false, bounceCount: 0 });
    expect((await auditOf(id)).map((a) => a.metadata)).toEqual([{ changed: ["suppressed"], reason }]);
  });

  it("refuses a bad reason with 400 naming the field, and a reason alone, changing nothing", async () => {
    const id = await newContact();
    await recordPermanentBounce(api.client.db.db, id, 1, "mailbox does not exist");
    const fieldsOf = async (res: Response) => ((await res.json()) as ErrorBody).error.details.fields;

    const blank = await put(id, { suppressed: false, reason: "   " });
    expect(blank.status).toBe(400);
    expect(await fieldsOf(blank)).toEqual([{ field: "reason", message: expect.any(String) }]);
    const long = await put(id, { suppressed: false, reason: "x".repeat(501) });
    expect(long.status).toBe(400);
    expect(await fieldsOf(long)).toEqual([{ field: "reason", message: expect.any(String) }]);
    const notText = await put(id, { suppressed: false, reason: 42 });
    expect(notText.status).toBe(400);
    expect(await fieldsOf(notText)).toEqual([{ field: "reason", message: expect.any(String) }]);
    const alone = await put(id, { reason: "just because" });
    expect(alone.status).toBe(400);
    expect(await fieldsOf(alone)).toEqual([
      { field: "json", message: "give at least one of unsubscribedAll, optedOutCategories, suppressed" },
    ]);

    expect(await getEmailPreferences(api.client.db.db, id)).toMatchObject({ suppressed: true });
    expect(await auditOf(id)).toEqual([]);
  });

  it("refuses an empty or unknown body with 400 naming the fields, and an unknown contact with 404", async () => {
    const id = await newContact();
    const empty = await put(id, {});
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as ErrorBody).error.details.fields).toEqual([
      { field: "json", message: "give at least one of unsubscribedAll, optedOutCategories, suppressed" },
    ]);
    const unknownField = await put(id, { unsubscribed: true, optedOutCategories: [""] });
    expect(unknownField.status).toBe(400);
    const fields = ((await unknownField.json()) as ErrorBody).error.details.fields;
    expect(fields).toEqual([
      { field: "optedOutCategories.0", message: expect.any(String) },
      { field: "json", message: 'Unrecognized key: "unsubscribed"' },
    ]);
    expect((await put(id, { suppressed: "yes" })).status).toBe(400);
    expect(await getEmailPreferences(api.client.db.db, id)).toBeUndefined();

    const missing = randomUUID();
    const res = await put(missing, { unsubscribedAll: true });
    expect(res.status).toBe(404);
    expect(await auditOf(missing)).toEqual([]);
  });
});
