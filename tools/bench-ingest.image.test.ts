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

/** Runs the script against this file's api; later flags override the defaults given here. */
function bench(args: string[]) {
  const defaults = [
    "--url",
    url,
    "--api-pid",
    String(api.pid),
    "--duration",
    "1s",
    "--warmup",
    "0s",
    "--json",
  ];
  return runToExit(tsx, [script, ...defaults, ...args], {
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

/**
 * Every 202 is one stored row, and none is left pending or parked: each was handed to Hatchet or,
 * when no journey consumes it, stored only. Checked in SQL beside the harness's own count.
 */
async function expectStoredAndSettled(summary: BenchSummary) {
  const prefix = `bench-${summary.runId}-`;
  const [stored] = await sql<{ n: number }[]>`
    select count(*)::int as n from user_events where starts_with(idempotency_key, ${prefix})`;
  expect(stored?.n).toBe(summary.api.accepted + summary.api.warmup.accepted);
  const [outbox] = await sql<{ exists: boolean }[]>`select to_regclass('event_outbox') is not null as exists`;
  const [unpushed] = outbox?.exists
    ? await sql<{ n: number }[]>`
        select count(*)::int as n from event_outbox o join user_events e on e.id = o.event_id
        where starts_with(e.idempotency_key, ${prefix})`
    : await sql<{ n: number }[]>`
        select count(*)::int as n from user_events
        where starts_with(idempotency_key, ${prefix}) and push_state <> 'pushed'`;
  expect(unpushed?.n).toBe(0);

  const p = summary.pushStates;
  expect(p?.stored).toBe(stored?.n);
  expect((p?.pushed ?? 0) + (p?.skipped ?? 0)).toBe(stored?.n);
  expect(p).toMatchObject({ pending: 0, parked: 0 });
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

    await expectStoredAndSettled(summary);
    expect(summary.api.mode).toBe("closed");
    expect(summary.api.clientCpuPct).toBeGreaterThan(0);
    expect(summary.apiPeakRssMb).toBeGreaterThan(0);

    if (!("results" in summary.baseline)) throw new Error(`baseline skipped: ${summary.baseline.skipped}`);
    // The api's pool, read from its connections: the baseline's writers share as many.
    expect(summary.baseline.pool).toBeGreaterThan(0);
    expect(summary.baseline.poolSource).toContain("the api's open connections");
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

  it("open loop: sends on schedule whatever the answers, times from the scheduled send, and skips the baseline", async () => {
    const run = await bench(["--key", await ingestKey(), "--rate", "20", "--duration", "2s"]);
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as BenchSummary;
    // 20/s for 2 s: events due at 0, 50, …, 1950 ms.
    expect(summary.api.open).toMatchObject({
      offeredPerSecond: 20,
      scheduled: 40,
      sent: 40,
      maxInFlight: 1024,
    });
    expect(summary.api).toMatchObject({ mode: "open", accepted: 40, errors: {} });
    expect(summary.api.latency.count).toBe(40);
    expect(summary.api.clientCpuPct).toBeGreaterThan(0);
    expect(summary.apiPeakRssMb).toBeGreaterThan(0);
    await expectStoredAndSettled(summary);
    expect(summary.baseline).toEqual({ skipped: expect.stringContaining("open loop") });
    expect(run.stderr).toMatch(/^RESULT ingest mode=open offered_per_s=20 events_per_s=[\d.]+ p50_ms=/m);
    expect(run.stderr).toMatch(
      / errors=0 late_sends=\d+ client_cpu_pct=[\d.]+ api_cpu_pct=[\d.]+ pg_cpu_pct=[\d.]+ api_peak_rss_mb=[\d.]+$/m,
    );
  }, 40_000);

  it("open loop: an event due while --max-in-flight requests are open is not sent, and counts as an error", async () => {
    // The key is refused, fast; one request open at most, offered faster than any answer comes.
    const run = await bench([
      "--key",
      "hsk_not-a-real-key",
      "--rate",
      "2000",
      "--max-in-flight",
      "1",
      "--no-baseline",
    ]);
    expect(run.code).toBe(1);
    const summary = JSON.parse(run.stdout) as BenchSummary;
    const open = summary.api.open;
    if (!open) throw new Error("no open-loop stats");
    expect(open.sent).toBeGreaterThan(0);
    expect(open.sent).toBeLessThan(open.scheduled);
    expect(summary.api.errors).toEqual({
      "401": open.sent,
      "not sent (in-flight cap)": open.scheduled - open.sent,
    });
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
