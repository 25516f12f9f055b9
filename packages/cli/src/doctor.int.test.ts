import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ensureDatabase, getFreePort, startRedis } from "@hogsend/devstack";
import { createTestDatabase, runToExit, type TestDatabase, testStack } from "@hogsend/devstack/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "./exit-codes.js";

const root = resolve(import.meta.dirname, "../../..");
const bin = join(root, "packages/cli/bin/hogsend.mjs");
const stack = testStack();
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

interface Report {
  passed: boolean;
  checks: { name: string; status: string; detail: string; fix?: string }[];
}

async function doctor(env: Record<string, string | undefined>, args: string[] = ["--json"]) {
  const result = await runToExit(process.execPath, [bin, "doctor", ...args], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "test",
      DATABASE_URL: db.url,
      REDIS_URL: stack.REDIS_URL,
      BETTER_AUTH_SECRET: "doctor-secret-doctor-secret-doctor-secret",
      HATCHET_CLIENT_TOKEN: stack.HATCHET_CLIENT_TOKEN,
      HATCHET_CLIENT_HOST_PORT: stack.HATCHET_CLIENT_HOST_PORT,
      HATCHET_CLIENT_TLS_STRATEGY: stack.HATCHET_CLIENT_TLS_STRATEGY,
      EMAIL_FROM: "Doctor <doctor@hogsend.test>",
      ...env,
    },
  });
  return { code: result.code, output: result.output };
}
const reportOf = (output: string) => JSON.parse(output.slice(output.indexOf("{"))) as Report;
const check = (report: Report, name: string) => report.checks.find((c) => c.name === name);

describe("hogsend doctor", () => {
  it("passes a working deployment, with a line per dependency and migration track", async () => {
    const { code, output } = await doctor({});
    const report = reportOf(output);
    expect(code, output).toBe(EXIT.OK);
    expect(report.passed).toBe(true);
    for (const name of ["env (api)", "postgres", "redis", "hatchet", "engine migrations", "clock"])
      expect(check(report, name)?.status, name).toBe("ok");
    expect(check(report, "engine migrations")?.detail).toMatch(/none pending, no drift/);
    // No worker runs here: a warning with the fix, never a failure.
    expect(check(report, "worker")).toMatchObject({ status: "warn", fix: expect.stringContaining("worker") });
    expect(check(report, "email provider outbox")?.status).toBe("skip");
  });

  it("fails on a database whose migrations have not run, and says how to run them", async () => {
    const empty = `doctor_empty_${Date.now()}`;
    await ensureDatabase(stack.DATABASE_URL, empty);
    const url = new URL(db.url);
    url.pathname = `/${empty}`;
    const { code, output } = await doctor({ DATABASE_URL: url.toString() });
    expect(code).toBe(EXIT.FAILURE);
    expect(check(reportOf(output), "engine migrations")).toMatchObject({
      status: "fail",
      fix: expect.stringContaining("migrate"),
    });
  });

  it("names every invalid env key, and checks nothing else", async () => {
    const { code, output } = await doctor(
      { DATABASE_URL: "mysql://nope", BETTER_AUTH_SECRET: undefined },
      [],
    );
    expect(code).toBe(EXIT.FAILURE);
    expect(output).toContain("DATABASE_URL");
    expect(output).toContain("BETTER_AUTH_SECRET");
    expect(output).not.toContain("postgres ");
  });

  it("prints a readable report by default", async () => {
    const { output } = await doctor({}, []);
    expect(output).toMatch(/^✓ env \(api\)/m);
    expect(output).toMatch(/^! worker .*\n {4}→ start the worker/m);
  });

  it("fails on each dependency in turn, naming it with its fix, and passes once it is back", async () => {
    const args = ["--json", "--timeout", "3000"];
    const failing = async (env: Record<string, string>, name: string) => {
      const { code, output } = await doctor(env, args);
      const report = reportOf(output);
      expect(code, output).toBe(EXIT.FAILURE);
      expect(check(report, name), output).toMatchObject({ status: "fail", fix: expect.any(String) });
      return report;
    };
    // Redis, stopped and started again on the same port.
    const dir = await mkdtemp(join(tmpdir(), "doctor-redis-"));
    const redis = await startRedis({ dir, port: await getFreePort() });
    if (!redis) throw new Error("redis-server is required for this test");
    try {
      expect((await doctor({ REDIS_URL: redis.url }, args)).code).toBe(EXIT.OK);
      await redis.stop();
      const report = await failing({ REDIS_URL: redis.url }, "redis");
      expect(check(report, "postgres")?.status).toBe("ok");
      const back = await startRedis({ dir, port: Number(new URL(redis.url).port) });
      try {
        expect((await doctor({ REDIS_URL: back?.url ?? "" }, args)).code).toBe(EXIT.OK);
      } finally {
        await back?.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    // Postgres and Hatchet where nothing listens: each fails alone.
    const closed = await getFreePort();
    const pg = new URL(db.url);
    pg.port = String(closed);
    const pgDown = await failing({ DATABASE_URL: pg.toString() }, "postgres");
    expect(check(pgDown, "redis")?.status).toBe("ok");
    const hatchetDown = await failing({ HATCHET_CLIENT_HOST_PORT: `127.0.0.1:${closed}` }, "hatchet");
    expect(check(hatchetDown, "postgres")?.status).toBe("ok");
    // All back: the deployment passes again.
    expect((await doctor({}, args)).code).toBe(EXIT.OK);
  });
});
