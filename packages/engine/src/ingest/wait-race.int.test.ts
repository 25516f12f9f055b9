import { randomUUID } from "node:crypto";
import { createTestDatabase, type TestDatabase, testStack } from "@hogsend/devstack/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HogsendClient } from "../platform/client.js";
import { testClient } from "../testing.js";
import { noConsumers } from "./exit-policy.js";
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

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("queueing for a live wait", () => {
  /**
   * A run declares its wait (journey_states.waiting_for, committed) before it takes the wait's
   * start time; Hatchet then counts events from that start. So every event received after the
   * start must be queued, whichever of the two commits first. Interleaves the declaration and the
   * event's write many times at random offsets and checks that invariant on each.
   */
  it("queues every event received after the wait's start, however the two writes interleave", async () => {
    const ingest = createIngestService(client, noConsumers);
    let after = 0;
    for (let round = 0; round < 60; round++) {
      const userId = `race_${randomUUID()}`;
      const seeded = await ingest.ingest({ name: "seed", userId }, { source: "api" });
      const [state] = await client.db.sql<{ id: string }[]>`
        insert into journey_states (journey_id, user_key, contact_id, hatchet_run_id, status)
        values ('race', ${seeded.contactId}, ${seeded.contactId}, ${randomUUID()}, 'active') returning id`;
      const declare = (async () => {
        await pause(Math.random() * 4);
        await client.db
          .sql`update journey_states set status = 'waiting', waiting_for = 'ping' where id = ${state?.id ?? ""}`;
        const [{ t }] = (await client.db.sql`select clock_timestamp() as t`) as unknown as [{ t: Date }];
        return t;
      })();
      const event = (async () => {
        await pause(Math.random() * 4);
        return ingest.ingest({ name: "ping", userId }, { source: "api" });
      })();
      const [waitStart, result] = await Promise.all([declare, event]);
      const [row] = await client.db.sql<{ received_at: Date; push_state: string }[]>`
        select received_at, push_state from user_events where id = ${result.eventId}`;
      if (row && row.received_at > waitStart) {
        after++;
        expect(row.push_state, `round ${round}`).toBe("queued");
        expect(result.pushed).toBe(true);
      }
    }
    await ingest.idle();
    await ingest.pusher.stop();
    // The interleaving really varied: some events landed after the wait's start.
    expect(after).toBeGreaterThan(0);
  }, 60_000);
});
