import { randomUUID } from "node:crypto";
import { createTestDatabase, type TestDatabase, testStack } from "@hogsend/devstack/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HogsendClient } from "../platform/client.js";
import { testClient } from "../testing.js";
import type { EventConsumers } from "./exit-policy.js";
import { createIngestService } from "./ingest-service.js";

testStack();
let database: TestDatabase;
let client: HogsendClient;

beforeAll(async () => {
  database = await createTestDatabase();
  client = testClient({ DATABASE_URL: database.url });
});
afterAll(async () => {
  await client.close();
  await database.drop();
});

const consumers = (...names: string[]): EventConsumers => ({
  triggers: new Set(names),
  exitRules: new Map(),
  cancelRuns: async () => true,
});

describe("the event outbox pusher", () => {
  it("parks an event the engine refuses on its own, with its error, and keeps the others flowing", async () => {
    const ingest = createIngestService(client, consumers("small", "huge"), {
      pusher: { maxBatchBytes: 64 * 1024 },
    });
    const { contactId } = await ingest.ingest(
      { name: "seed", userId: `u_${randomUUID()}` },
      { source: "api" },
    );
    const record = (name: string, properties: Record<string, unknown>) =>
      ingest.recordContactEvent(
        contactId,
        { name, properties },
        { source: "email", idempotencyKey: randomUUID() },
      );
    // Over gRPC's 4 MiB message limit: the engine can never take it, whatever the batch.
    const huge = await record("huge", { blob: "x".repeat(5 * 1024 * 1024) });
    const small = await Promise.all([1, 2, 3].map((i) => record("small", { i })));
    await ingest.idle();
    await ingest.pusher.drain();

    const rows = await client.db.sql<
      { event_id: string; parked_at: Date | null; last_error: string | null }[]
    >`
      select event_id, parked_at, last_error from event_outbox`;
    expect(rows.map((r) => r.event_id)).toEqual([huge?.eventId]);
    expect(rows[0]?.parked_at).not.toBeNull();
    expect(rows[0]?.last_error).toMatch(/larger than/i);
    expect(small.every((s) => s?.pushed)).toBe(true);

    // Parked rows are out of rotation: a later event goes straight through.
    const later = await record("small", { i: 4 });
    await ingest.idle();
    const round = await ingest.pusher.drain();
    expect(round).toMatchObject({ pushed: 1, parked: 0 });
    expect(
      await client.db.sql`select 1 from event_outbox where event_id = ${later?.eventId ?? ""}`,
    ).toHaveLength(0);
    await ingest.pusher.stop();
  }, 30_000);

  it("leases rows so two pushers never push the same event twice at once", async () => {
    const pa = createIngestService(client, consumers("tick"), { pusher: { leaseLimit: 50 } });
    const pb = createIngestService(client, consumers("tick"), { pusher: { leaseLimit: 50 } });
    const { contactId } = await pa.ingest({ name: "seed", userId: `u_${randomUUID()}` }, { source: "api" });
    // Queued behind ingest's back, so nothing drains them until the two pushers race below.
    for (let i = 0; i < 300; i++)
      await client.db.sql`
        with e as (
          insert into user_events (user_key, contact_id, event, idempotency_key)
          values (${contactId}, ${contactId}, 'tick', ${randomUUID()}) returning id)
        insert into event_outbox (event_id) select id from e`;
    const [ra, rb] = await Promise.all([pa.pusher.drain(), pb.pusher.drain()]);
    expect(ra.pushed + rb.pushed).toBe(300);
    expect(
      await client.db
        .sql`select 1 from event_outbox o join user_events e on e.id = o.event_id where e.event = 'tick'`,
    ).toHaveLength(0);
    await Promise.all([pa.pusher.stop(), pb.pusher.stop()]);
  }, 30_000);
});
