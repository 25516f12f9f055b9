import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { runToExit } from "@hogsend/devstack/process";
import { testStack } from "@hogsend/devstack/testing";
import postgres from "postgres";
import { describe, expect, it } from "vitest";
import type { SendSummary } from "./bench/send-report.js";

// `pnpm bench:send` in a CI size: its own fake Resend, api and worker (the built ones), on the
// test stack's Postgres, Redis and Hatchet (passed as the env it reuses). What it reports is
// checked against what it was asked to do; no timing is asserted (benchmarks are not tests).
const root = resolve(import.meta.dirname, "..");
const script = join(root, "tools/bench-send.ts");
const tsx = join(root, "node_modules/.bin/tsx");
const stack = testStack();

describe("pnpm bench:send", () => {
  it("sends every enqueued email through both paths to the fake exactly once, and reports it", async () => {
    for (const entry of ["apps/api/dist/index.js", "apps/api/dist/worker.js"]) {
      if (!existsSync(join(root, entry))) throw new Error(`${entry} is missing: run \`pnpm build\` first`);
    }
    const run = await runToExit(
      tsx,
      [script, "--unlimited", ...["--count", "200", "--contacts", "40", "--warmup", "0", "--json"]],
      {
        cwd: root,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          DATABASE_URL: stack.DATABASE_URL,
          REDIS_URL: stack.REDIS_URL,
          HATCHET_CLIENT_TOKEN: stack.HATCHET_CLIENT_TOKEN,
          HATCHET_CLIENT_HOST_PORT: stack.HATCHET_CLIENT_HOST_PORT,
          HATCHET_CLIENT_TLS_STRATEGY: stack.HATCHET_CLIENT_TLS_STRATEGY,
        },
        timeoutMs: 50_000,
      },
    );
    expect(run.code, run.stderr).toBe(0);

    const result = /^RESULT send (.*)$/m.exec(run.stderr)?.[1];
    const fields = Object.fromEntries((result ?? "").split(" ").map((pair) => pair.split("=")));
    expect(Object.keys(fields)).toEqual([
      "mode",
      "emails_per_s",
      "p50_ms",
      "p99_ms",
      "sent",
      "failed",
      "rss_mb_worker",
      "rss_mb_api",
      "calls",
      "rate_limited",
      "duplicates",
    ]);
    expect(fields).toMatchObject({ mode: "unlimited", sent: "200", failed: "0", duplicates: "0" });
    for (const key of ["emails_per_s", "p50_ms", "p99_ms", "rss_mb_worker", "rss_mb_api", "calls"])
      expect(Number(fields[key]), key).toBeGreaterThan(0);

    const summary = JSON.parse(run.stdout) as SendSummary;
    // 10 % through the welcome journey, one enrollment per contact; the rest POST /v1/emails.
    expect(summary.journeySends).toBe(20);
    expect(summary.enqueue.accepted).toEqual({ emails: 180, events: 20 });
    expect(summary.figures.byStatus).toEqual({ sent: 200 });
    expect(summary.figures.latencyJourney.count).toBe(20);
    // Each send reached the fake once, in batches, and the fake got nothing else.
    expect(summary.ledger).toMatchObject({
      checked: 200,
      missing: 0,
      mismatched: 0,
      duplicates: 0,
      unrecorded: 0,
      unkeyed: 0,
    });
    expect(summary.provider.accepted).toBe(200);
    expect(summary.provider.requests).toBeLessThan(200);

    // Its database on the shared server is gone again.
    const sql = postgres(stack.DATABASE_URL, { max: 1, onnotice: () => {} });
    try {
      expect(await sql`select 1 from pg_database where datname = ${summary.runId}`).toHaveLength(0);
    } finally {
      await sql.end();
    }
  }, 60_000);
});
