import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { createApiKey } from "@hogsend/access";
import { createDb } from "@hogsend/db";
import { getFreePort } from "@hogsend/devstack";
import { type RunningProcess, runToExit, startProcess } from "@hogsend/devstack/process";
import { createTestDatabase, type TestDatabase, testStack } from "@hogsend/devstack/testing";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EnrollSummary } from "./bench/enroll-report.js";

// `pnpm bench:enroll --url` against the built api and worker on the test stack: what it counts
// is checked against the database. No timing is asserted (benchmarks are not tests).
const root = resolve(import.meta.dirname, "..");
const apiEntry = join(root, "apps/api/dist/index.js");
const workerEntry = join(root, "apps/api/dist/worker.js");
const script = join(root, "tools/bench-enroll.ts");
const tsx = join(root, "node_modules/.bin/tsx");
const stack = testStack();

let database: TestDatabase;
let api: RunningProcess;
let worker: RunningProcess;
let url: string;
let sql: postgres.Sql;

beforeAll(async () => {
  for (const entry of [apiEntry, workerEntry]) {
    if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`pnpm build\` first (pnpm test does)`);
  }
  database = await createTestDatabase();
  sql = postgres(database.url, { max: 1, onnotice: () => {} });
  const port = await getFreePort();
  const env = {
    PATH: process.env.PATH,
    NODE_ENV: "test",
    DATABASE_URL: database.url,
    REDIS_URL: stack.REDIS_URL,
    BETTER_AUTH_SECRET: "test-secret-test-secret-test-secret-42",
    HATCHET_CLIENT_TOKEN: stack.HATCHET_CLIENT_TOKEN,
    HATCHET_CLIENT_HOST_PORT: stack.HATCHET_CLIENT_HOST_PORT,
    HATCHET_CLIENT_TLS_STRATEGY: stack.HATCHET_CLIENT_TLS_STRATEGY,
    // Its own namespace: a worker of another file must not take this file's journey runs.
    HATCHET_CLIENT_NAMESPACE: `${stack.HATCHET_CLIENT_NAMESPACE}_enroll`,
    HOGSEND_BOOTSTRAP_API_KEY: "false",
    SHUTDOWN_GRACE_MS: "5000",
  };
  worker = startProcess(process.execPath, [workerEntry], { cwd: root, env });
  api = startProcess(process.execPath, [apiEntry], { cwd: root, env: { ...env, PORT: String(port) } });
  url = `http://127.0.0.1:${port}`;
  // Hatchet starts runs only for tasks registered when the event arrives.
  await Promise.all([api.waitFor(/api listening/), worker.waitFor(/worker \S+ ready/, 60_000)]);
}, 90_000);

afterAll(async () => {
  await Promise.all([api?.stop("SIGTERM", 10_000), worker?.stop("SIGTERM", 10_000)]);
  await sql?.end();
  await database?.drop();
});

async function ingestKey() {
  const handle = createDb(database.url, { max: 1 });
  try {
    return (await createApiKey(handle.db, { name: "bench test", scopes: ["ingest"], createdBy: "test" }))
      .secret;
  } finally {
    await handle.close();
  }
}

describe("pnpm bench:enroll", () => {
  it("sends one trigger per new user on schedule and times each enrollment from the event's receipt", async () => {
    const run = await runToExit(
      tsx,
      [
        script,
        ...["--url", url, "--key", await ingestKey()],
        ...["--api-pid", String(api.pid), "--worker-pid", String(worker.pid)],
        ...["--rate", "5", "--duration", "2s", "--warmup", "0s", "--wait", "30s", "--json"],
      ],
      { cwd: root, env: { PATH: process.env.PATH, DATABASE_URL: database.url }, timeoutMs: 60_000 },
    );
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as EnrollSummary;
    expect(summary.triggers).toMatchObject({ mode: "open", accepted: 10, errors: {} });
    expect(summary.enrollments).toMatchObject({ stored: 10, enrolled: 10, skipped: 0 });
    expect(summary.enrollments.latency.count).toBe(10);
    expect(summary.enrollments.latency.p50).toBeGreaterThan(0);
    expect(summary.apiPeakRssMb).toBeGreaterThan(0);
    expect(summary.workerPeakRssMb).toBeGreaterThan(0);

    // Ten new users, each enrolled once in welcome by its own trigger event, as reported.
    const rows = await sql<{ users: number; enrollments: number; slowest_ms: number }[]>`
      select count(distinct e.user_key)::int as users, count(s.id)::int as enrollments,
        max(extract(epoch from (s.started_at - e.received_at)) * 1000)::float8 as slowest_ms
      from user_events e join journey_states s on s.trigger_event_id = e.id and s.journey_id = 'welcome'
      where starts_with(e.idempotency_key, ${`bench-${summary.runId}-run-`})`;
    expect(rows[0]).toMatchObject({ users: 10, enrollments: 10 });
    expect(summary.enrollments.latency.max).toBeCloseTo(rows[0]?.slowest_ms ?? Number.NaN, 3);
    expect(run.stderr).toMatch(
      /^RESULT enroll rate_per_s=5 sent=10 enrolled=10 p50_ms=[\d.]+ p95_ms=[\d.]+ p99_ms=[\d.]+ max_ms=[\d.]+ errors=0 /m,
    );
  }, 90_000);
});
