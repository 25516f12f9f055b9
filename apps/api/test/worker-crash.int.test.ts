import { randomUUID } from "node:crypto";
import { join, resolve } from "node:path";
import { createApiKey } from "@hogsend/access";
import {
  createTestDatabase,
  eventually,
  type RunningProcess,
  startProcess,
  type TestDatabase,
  testStack,
} from "@hogsend/devstack/testing";
import {
  createApp,
  createHogsendClient,
  createLogger,
  createRuntime,
  type HogsendClient,
} from "@hogsend/engine";
import { testEnv } from "@hogsend/engine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crashSafe } from "./fixtures/crash-safe-journey.js";

const root = resolve(import.meta.dirname, "../../..");
const stack = testStack();
let db: TestDatabase;
let client: HogsendClient;
const workers: RunningProcess[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  client = createHogsendClient(testEnv(stack, { DATABASE_URL: db.url }), {
    version: "test",
    role: "api",
    logger: createLogger({ level: "error", json: true, write: () => {} }),
  });
});
afterAll(async () => {
  for (const w of workers) await w.stop("SIGKILL");
  await client?.close();
  await db?.drop();
});

function startWorker() {
  // node itself, not the tsx wrapper: SIGKILL must hit the process that holds the worker, and a
  // wrapper would leave its child running.
  const worker = startProcess(
    process.execPath,
    ["--import", "tsx", join(import.meta.dirname, "fixtures/kill-test-worker.ts")],
    {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: "test",
        LOG_LEVEL: "info",
        DATABASE_URL: db.url,
        REDIS_URL: stack.REDIS_URL,
        BETTER_AUTH_SECRET: "test-secret-test-secret-test-secret-42",
        HATCHET_CLIENT_TOKEN: stack.HATCHET_CLIENT_TOKEN,
        HATCHET_CLIENT_HOST_PORT: stack.HATCHET_CLIENT_HOST_PORT,
        HATCHET_CLIENT_TLS_STRATEGY: stack.HATCHET_CLIENT_TLS_STRATEGY,
        HATCHET_CLIENT_NAMESPACE: stack.HATCHET_CLIENT_NAMESPACE,
      },
    },
  );
  workers.push(worker);
  return worker;
}

// Worker processes boot from source, and the run moves on only once Hatchet has noticed the
// killed worker is gone: slower than a step on a warm in-process worker.
const SLOW = { timeoutMs: 120_000, intervalMs: 300 };

describe("(d) a worker killed mid-journey", () => {
  it("resumes on a new worker, completes, and repeats no side effect", async () => {
    const first = startWorker();
    await first.waitFor(/worker e2e-kill-worker ready/, 60_000);
    const app = createApp(createRuntime(client, { clientJournal: null, journeys: [crashSafe] }));
    const key = (await createApiKey(client.db.db, { name: "kill", scopes: ["ingest"], createdBy: "test" }))
      .secret;
    const res = await app.request("/v1/events", {
      method: "POST",
      body: JSON.stringify({ name: "e2e_kill_started", userId: `u_${randomUUID()}` }),
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    });
    const { contactId } = (await res.json()) as { contactId: string };
    const state = await eventually(
      "the sleep",
      async () => {
        const [row] = await client.db.sql`select * from journey_states where user_key = ${contactId}`;
        return row?.status === "waiting" && row;
      },
      SLOW,
    );

    expect(await first.stop("SIGKILL")).toBe(null);
    const second = startWorker();
    await second.waitFor(/worker e2e-kill-worker ready/, 60_000);

    await eventually(
      "completion on the new worker",
      async () => {
        const [row] = await client.db.sql`select status from journey_states where id = ${state.id}`;
        return row?.status === "completed";
      },
      SLOW,
    ).catch((err) => {
      console.log(`first worker:\n${first.output()}\nsecond worker:\n${second.output()}`);
      throw err;
    });
    const logs = await client.db.sql<
      { message: string }[]
    >`select message from journey_logs where journey_state_id = ${state.id}`;
    const count = (m: string) => logs.filter((l) => l.message === m).length;
    expect(count("send:before-sleep")).toBe(1);
    expect(count("send:after-sleep")).toBe(1);
    const events = await client.db.sql<
      { event: string }[]
    >`select event from user_events where user_key = ${contactId}`;
    expect(events.filter((e) => e.event === "e2e_kill_before")).toHaveLength(1);
    expect(events.filter((e) => e.event === "e2e_kill_after")).toHaveLength(1);
  }, 240_000);
});
