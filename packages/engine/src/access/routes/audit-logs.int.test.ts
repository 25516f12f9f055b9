import { randomUUID } from "node:crypto";
import { insertAuditLog } from "@hogsend/db";
import { describe, expect, it } from "vitest";
import { setupTestApp } from "../../testing.js";

const api = setupTestApp({ keys: ["read", "ingest"] });

type Row = { action: string; actorType: string; actorId: string | null; resourceId: string | null };
type Page = { items: Row[]; nextCursor: string | null };
type ErrorBody = { error: { code: string; details: { fields: { field: string; message: string }[] } } };

const list = (query: string, key = api.keys.read) => api.request(`/v1/admin/audit-logs?${query}`, { key });
const pageOf = async (query: string) => {
  const res = await list(query);
  expect(res.status).toBe(200);
  return (await res.json()) as Page;
};

/** Rows of this test alone: a resource id of its own, so other files' rows never match. */
async function seed() {
  const resourceId = `res-${randomUUID()}`;
  const user = `usr-${randomUUID()}`;
  const rows = [
    { actorType: "user", actorId: user, action: "contact.preferences.update", at: "2030-01-10T12:00:00Z" },
    { actorType: "user", actorId: user, action: "journey.enroll", at: "2030-01-20T12:00:00Z" },
    { actorType: "admin_key", actorId: null, action: "journey.enroll", at: "2030-02-05T12:00:00Z" },
  ];
  for (const row of rows) {
    await insertAuditLog(api.client.db.db, {
      actorType: row.actorType,
      actorId: row.actorId,
      action: row.action,
      resourceType: "test_resource",
      resourceId,
      createdAt: new Date(row.at),
    });
  }
  return { resourceId, user };
}

describe("GET /v1/admin/audit-logs filters", () => {
  it("filters by actor, action, resource and date, combined, newest first", async () => {
    const { resourceId, user } = await seed();
    const mine = `resourceType=test_resource&resourceId=${resourceId}`;
    expect((await pageOf(mine)).items.map((r) => r.action)).toEqual([
      "journey.enroll",
      "journey.enroll",
      "contact.preferences.update",
    ]);
    expect((await pageOf(`${mine}&actorId=${user}`)).items.map((r) => r.action)).toEqual([
      "journey.enroll",
      "contact.preferences.update",
    ]);
    expect((await pageOf(`${mine}&actorType=admin_key`)).items).toMatchObject([
      { actorType: "admin_key", actorId: null, action: "journey.enroll" },
    ]);
    expect((await pageOf(`${mine}&action=journey.enroll&actorType=user`)).items).toMatchObject([
      { actorId: user, action: "journey.enroll" },
    ]);
    // A bare `to` date includes that whole day; `from` is inclusive.
    expect((await pageOf(`${mine}&from=2030-01-10&to=2030-01-20`)).items.map((r) => r.action)).toEqual([
      "journey.enroll",
      "contact.preferences.update",
    ]);
    expect((await pageOf(`${mine}&from=2030-01-20T12:00:01Z`)).items).toHaveLength(1);
    expect((await pageOf(`resourceId=${resourceId}&resourceType=other`)).items).toEqual([]);
  });

  it("pages with the cursor inside the same filters", async () => {
    const { resourceId } = await seed();
    const filter = `resourceId=${resourceId}&action=journey.enroll`;
    const first = await pageOf(`${filter}&limit=1`);
    expect(first.items).toMatchObject([{ actorType: "admin_key" }]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await pageOf(`${filter}&limit=1&cursor=${first.nextCursor}`);
    expect(second.items).toMatchObject([{ actorType: "user", action: "journey.enroll" }]);
    expect(second.nextCursor).toBeNull();
  });

  it("refuses bad filters with 400 naming the field, and an ingest key with 403", async () => {
    const fieldsOf = async (query: string) => {
      const res = await list(query);
      expect(res.status).toBe(400);
      return ((await res.json()) as ErrorBody).error.details.fields.map((f) => f.field);
    };
    expect(await fieldsOf("from=yesterday")).toEqual(["from"]);
    expect(await fieldsOf("from=2030-02-01&to=2030-01-01")).toEqual(["to"]);
    expect(await fieldsOf("actorType=robot")).toEqual(["actorType"]);
    expect(await fieldsOf(`action=${"x".repeat(201)}`)).toEqual(["action"]);
    expect((await list("action=x", api.keys.ingest)).status).toBe(403);
  });
});
