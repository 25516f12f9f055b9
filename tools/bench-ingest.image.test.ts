import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { createApiKey } from "@hogsend/access";
import { createDb } from "@hogsend/db";
import { getFreePort } from "@hogsend/devstack";
import { type RunningProcess, runToExit, startProcess } from "@hogsend/devstack/process";
import { createTestDatabase, type TestDatabase, testStack } from "@hogsend/devstack/testing";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BenchSummary } from "./bench/report.js";

// `pnpm bench:ingest --url` against the built api on the test stack: the harness counts what
// the api really did. No timing is asserted (benchmarks are not tests).
const root = resolve(import.meta.dirname, "..");
const entry = join(root, "apps/api/dist/index.js");
const script = join(root, "tools/bench-ingest.ts");
const tsx = join(root, "node_modules/.bin/tsx");
const stack = testStack();

let database: TestDatabase;
let api: RunningProcess;
let url: string;
let sql: postgres.Sql;

beforeAll(async () => {
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`pnpm build\` first (pnpm test does)`);
  database = await createTestDatabase();
  sql = postgres(database.url, { max: 1, onnotice: () => {} });
  const port = await getFreePort();
  api = startProcess(process.execPath, [entry], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "test",
      PORT: String(port),
      DATABASE_URL: database.url,
      REDIS_URL: stack.REDIS_URL,
      BETTER_AUTH_SECRET: "test-secret-test-secret-test-secret-42",
      HATCHET_CLIENT_TOKEN: stack.HATCHET_CLIENT_TOKEN,
      HATCHET_CLIENT_HOST_PORT: stack.HATCHET_CLIENT_HOST_PORT,
      HATCHET_CLIENT_TLS_STRATEGY: stack.HATCHET_CLIENT_TLS_STRATEGY,
      HATCHET_CLIENT_NAMESPACE: stack.HATCHET_CLIENT_NAMESPACE,
      HOGSEND_BOOTSTRAP_API_KEY: "false",
    },
  });
  url = `http://127.0.0.1:${port}`;
  await api.waitFor(/api listening/);
}, 30_000);

afterAll(async () => {
  await api?.stop("SIGTERM");
  await sql?.end();
  await database?.drop();
});

function bench(args: string[]) {
  return runToExit(tsx, [script, "--url", url, "--duration", "1s", "--warmup", "0s", "--json", ...args], {
    cwd: root,
    env: { PATH: process.env.PATH, DATABASE_URL: database.url },
    timeoutMs: 30_000,
  });
}

async function ingestKey() {
  const handle = createDb(database.url, { max: 1 });
  try {
    return (await createApiKey(handle.db, { name: "bench test", scopes: ["ingest"], createdBy: "test" }))
      .secret;
  } finally {
    await handle.close();
  }
}

describe("pnpm bench:ingest", () => {
  it("reports what the api accepted, stored and pushed, and a baseline in a scratch database it drops", async () => {
    const run = await bench([
      "--key",
      await ingestKey(),
      "--concurrency",
      "4",
      "--baseline-min-rows",
      "300",
      "--batch-size",
      "50",
    ]);
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as BenchSummary;
    expect(summary.api.accepted).toBeGreaterThan(0);
    expect(summary.api.errors).toEqual({});
    expect(summary.api.latency.count).toBe(summary.api.accepted);
    expect(summary.api.latency.p50).toBeGreaterThan(0);
    expect(summary.api.latency.p99).toBeGreaterThanOrEqual(summary.api.latency.p50);

    // Every 202 is one stored row, pushed to Hatchet, as the harness reported.
    const rows = await sql<{ push_state: string; n: number }[]>`
      select push_state, count(*)::int as n from user_events
      where starts_with(idempotency_key, ${`bench-${summary.runId}-`}) group by push_state`;
    expect(rows).toEqual([{ push_state: "pushed", n: summary.api.accepted }]);
    expect(summary.pushStates).toEqual({
      stored: summary.api.accepted,
      pushed: summary.api.accepted,
      pending: 0,
    });

    if (!("results" in summary.baseline)) throw new Error(`baseline skipped: ${summary.baseline.skipped}`);
    const expectedRows = Math.max(summary.api.accepted, 300);
    expect(summary.baseline.results.map((r) => [r.mode, r.rows, r.transactions])).toEqual([
      ["row", expectedRows, expectedRows],
      ["batch", expectedRows, Math.ceil(expectedRows / 50)],
    ]);
    for (const r of summary.baseline.results)
      expect(r.apiRatio).toBeCloseTo(summary.api.eventsPerSecond / r.rowsPerSecond);
    const scratch = await sql`select 1 from pg_database where datname = ${`${summary.runId}_baseline`}`;
    expect(scratch).toHaveLength(0);
  }, 40_000);

  it("counts every non-202 as an error by status and exits 1", async () => {
    const run = await bench(["--key", "hsk_not-a-real-key", "--concurrency", "2", "--no-baseline"]);
    expect(run.code).toBe(1);
    const summary = JSON.parse(run.stdout) as BenchSummary;
    expect(summary.api.accepted).toBe(0);
    expect(Object.keys(summary.api.errors)).toEqual(["401"]);
    expect(summary.api.errorSamples["401"]).toContain("UNAUTHORIZED");
    expect(run.stderr).toContain("401:");
  }, 40_000);
});
