import { createApiKey } from "@hogsend/access";
import { createDb, type DbHandle } from "@hogsend/db";
import { createTestDatabase, type TestDatabase, testStack } from "@hogsend/devstack/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHogsendClient, type HogsendClient } from "../platform/client.js";
import { createLogger } from "../platform/logger.js";
import { createApp } from "../runtime/create-app.js";
import type { Runtime } from "../runtime/create-runtime.js";
import { testEnv, testRuntime } from "../testing.js";

const stack = testStack();
let database: TestDatabase;
let client: HogsendClient;
let runtime: Runtime;
/** Another session, as another process holding a lock would be. */
let other: DbHandle;

beforeAll(async () => {
  database = await createTestDatabase();
  client = createHogsendClient(
    testEnv(stack, { DATABASE_URL: database.url, DATABASE_STATEMENT_TIMEOUT_MS: "300" }),
    { version: "test", role: "api", logger: createLogger({ level: "error", json: true, write: () => {} }) },
  );
  runtime = testRuntime(client);
  other = createDb(database.url, { max: 1 });
});

afterAll(async () => {
  await runtime?.stop();
  await client?.close();
  await other?.close();
  await database?.drop();
});

describe("a statement that cannot finish (a lock held elsewhere)", () => {
  it("is cancelled at DATABASE_STATEMENT_TIMEOUT_MS: 503 with Retry-After, nothing written, and the retry passes", async () => {
    const app = createApp(runtime);
    const { secret } = await createApiKey(client.db.db, { name: "t", scopes: ["ingest"], createdBy: "test" });
    const ingest = (key: string, plan: string) =>
      app.request("/v1/events", {
        method: "POST",
        body: JSON.stringify({
          name: "plan_changed",
          userId: "locked",
          idempotencyKey: key,
          contactProperties: { plan },
        }),
        headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
      });
    expect((await ingest("first", "free")).status).toBe(202);

    // Another session holds the contact's row: the event's contact update waits on it.
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const holder = other.sql.begin(async (tx) => {
      await tx`select id from contacts where external_id = 'locked' for update`;
      locked();
      await released;
    });
    await isLocked;

    const started = Date.now();
    const blocked = await ingest("second", "pro");
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(blocked.status).toBe(503);
    expect(blocked.headers.get("retry-after")).toBe("5");
    const [stored] = await client.db
      .sql`select count(*)::int as n from user_events where idempotency_key = 'second'`;
    expect(stored?.n).toBe(0);

    release();
    await holder;
    expect((await ingest("second", "pro")).status).toBe(202);
  });
});
