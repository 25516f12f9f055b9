import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { setupTestApp } from "../testing.js";

const api = setupTestApp({ keys: ["ingest", "read"] });

const read = (path: string, key = api.keys.read) => api.request(path, { key });

async function ingest(body: Record<string, unknown>) {
  const res = await api.request("/v1/events", { method: "POST", body, key: api.keys.ingest });
  expect(res.status).toBe(202);
  return (await res.json()) as { contactId: string; eventId: string };
}

type EventPage = {
  items: {
    id: string;
    name: string;
    contactId: string;
    source: string;
    delivery: string;
    occurredAt: string;
  }[];
  nextCursor: string | null;
};

describe("GET /v1/admin/events", () => {
  it("answers 401 without credentials and 403 to an ingest-only key", async () => {
    expect((await api.app.request("/v1/admin/events")).status).toBe(401);
    expect((await read("/v1/admin/events", api.keys.ingest)).status).toBe(403);
  });

  it("filters by contact and name and pages newest occurrence first, stable for equal times", async () => {
    const userId = `u_${randomUUID()}`;
    const same = "2031-05-05T05:05:05.000Z";
    const ids: string[] = [];
    let contactId = "";
    for (const [i, name] of ["a_event", "b_event", "a_event", "a_event"].entries()) {
      const stored = await ingest({
        name,
        userId,
        // Two events share a timestamp: the id breaks the tie, so neither is lost between pages.
        timestamp: i < 2 ? same : new Date(Date.UTC(2031, 5, 1, 0, i)).toISOString(),
      });
      ids.push(stored.eventId);
      contactId = stored.contactId;
    }
    await ingest({ name: "a_event", userId: `u_${randomUUID()}` });

    const collect = async (query: string) => {
      const seen: EventPage["items"] = [];
      let cursor: string | null = null;
      do {
        const res = await read(`/v1/admin/events?${query}&limit=1${cursor ? `&cursor=${cursor}` : ""}`);
        expect(res.status).toBe(200);
        const page = (await res.json()) as EventPage;
        seen.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return seen;
    };
    const all = await collect(`contactId=${contactId}`);
    expect(all).toHaveLength(4);
    expect(all.slice(0, 2).map((e) => e.id)).toEqual([ids[3], ids[2]]);
    expect(new Set(all.slice(2).map((e) => e.id))).toEqual(new Set([ids[0], ids[1]]));
    expect(
      all.every((e) => e.contactId === contactId && e.source === "api" && e.delivery === "skipped"),
    ).toBe(true);
    const onlyA = await collect(`contactId=${contactId}&name=a_event`);
    expect(onlyA.map((e) => e.name)).toEqual(["a_event", "a_event", "a_event"]);
  });

  it("refuses a bad contact id or cursor with 400 naming the field", async () => {
    const res = await read("/v1/admin/events?contactId=nope&cursor=zzz");
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { details: { fields: { field: string }[] } } };
    expect(body.error.details.fields.map((f) => f.field).sort()).toEqual(["contactId", "cursor"]);
  });
});
