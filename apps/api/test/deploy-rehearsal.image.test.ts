/**
 * A deployment rehearsed from the built output, in the order every target runs it (compose,
 * Railway, Kubernetes): migrate, then api and worker as separate processes, then a rolling stop.
 * The api refusing an unmigrated database (exit 1) is covered in boot-guard.image.test.ts, and many
 * concurrent migrators in packages/db/src/migrations/migrate.int.test.ts; the image's own tree is
 * rehearsed by `pnpm preflight` (tools/preflight.image.test.ts).
 */
import { existsSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { bundledEngineJournal, engineTrack, type Journal, runMigrations } from "@hogsend/db/migrations";
import { getFreePort } from "@hogsend/devstack";
import {
  createTestDatabase,
  eventually,
  type RunningProcess,
  runToExit,
  startProcess,
  type TestDatabase,
  testStack,
} from "@hogsend/devstack/testing";
import postgres from "postgres";
import { afterEach, beforeAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../../..");
const apiEntry = join(root, "apps/api/dist/index.js");
const workerEntry = join(root, "apps/api/dist/worker.js");
const tsx = join(root, "node_modules/.bin/tsx");
const migrateEntry = join(root, "packages/db/src/migrate.ts");
const clientJournal = JSON.parse(
  readFileSync(join(root, "migrations/meta/_journal.json"), "utf8"),
) as Journal;
const stack = testStack();
// Short enough that a test notices a hang, long enough for a real drain.
const GRACE_MS = 10_000;

const databases: TestDatabase[] = [];
const processes: RunningProcess[] = [];
afterEach(async () => {
  for (const p of processes.splice(0)) await p.stop("SIGKILL");
  for (const db of databases.splice(0)) await db.drop();
});

beforeAll(() => {
  for (const entry of [apiEntry, workerEntry]) {
    if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`pnpm build\` first (pnpm test does)`);
  }
});

/** The env a deployment gives every run mode; the namespace keeps this file's worker heartbeat apart. */
function runModeEnv(databaseUrl: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NODE_ENV: "test",
    LOG_LEVEL: "info",
    DATABASE_URL: databaseUrl,
    REDIS_URL: stack.REDIS_URL,
    BETTER_AUTH_SECRET: "test-secret-test-secret-test-secret-42",
    HATCHET_CLIENT_TOKEN: stack.HATCHET_CLIENT_TOKEN,
    HATCHET_CLIENT_HOST_PORT: stack.HATCHET_CLIENT_HOST_PORT,
    HATCHET_CLIENT_TLS_STRATEGY: stack.HATCHET_CLIENT_TLS_STRATEGY,
    HATCHET_CLIENT_NAMESPACE: `${stack.HATCHET_CLIENT_NAMESPACE}_deploy`,
    SHUTDOWN_GRACE_MS: String(GRACE_MS),
    ...extra,
  };
}

function migrate(databaseUrl: string) {
  return runToExit(tsx, [migrateEntry], { env: runModeEnv(databaseUrl), cwd: root, timeoutMs: 60_000 });
}

async function startApi(databaseUrl: string, extra: Record<string, string> = {}) {
  const port = await getFreePort();
  // Where a minted bootstrap key goes (never the logs).
  const secretsFile = join(tmpdir(), `hogsend-rehearsal-secrets-${port}-${Date.now()}`);
  const api = startProcess(process.execPath, [apiEntry], {
    cwd: root,
    env: runModeEnv(databaseUrl, { PORT: String(port), HOGSEND_SECRETS_FILE: secretsFile, ...extra }),
  });
  processes.push(api);
  await api.waitFor(/api listening/);
  const secrets = () => (existsSync(secretsFile) ? readFileSync(secretsFile, "utf8") : "");
  return { api, port, url: `http://127.0.0.1:${port}`, secrets };
}

function startWorker(databaseUrl: string) {
  const worker = startProcess(process.execPath, [workerEntry], { cwd: root, env: runModeEnv(databaseUrl) });
  processes.push(worker);
  return worker;
}

interface Health {
  status: string;
  components: { worker: { status: string; live: number } };
  schema: { engine: { inSync: boolean }; client: { inSync: boolean; pending: string[] } };
}

async function health(url: string): Promise<{ code: number; body: Health }> {
  const res = await fetch(`${url}/v1/health`);
  return { code: res.status, body: (await res.json()) as Health };
}

/** Resolves with the exit code, or "running" if the process is still up after `ms`. */
function exitWithin(p: RunningProcess, ms: number): Promise<number | null | "running"> {
  return Promise.race([p.exited, new Promise<"running">((r) => setTimeout(() => r("running"), ms))]);
}

async function ledgerCounts(url: string) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const count = async (table: string) =>
      (await sql.unsafe<{ n: number }[]>(`select count(*)::int as n from drizzle."${table}"`))[0]?.n;
    return { engine: await count("__drizzle_migrations"), client: await count("__client_migrations") };
  } finally {
    await sql.end();
  }
}

describe("deployment rehearsal (built output)", () => {
  it("migrate twice at once, then api and worker: healthy with the worker up, and both drain and exit 0 on SIGTERM", async () => {
    const db = await createTestDatabase({ migrated: false });
    databases.push(db);

    // Two migrate Jobs started together (a rollout racing a restart): one applies, one waits.
    const migrators = await Promise.all([migrate(db.url), migrate(db.url)]);
    for (const m of migrators) expect(m.code, m.stderr).toBe(0);
    expect(migrators.filter((m) => m.stdout.includes("engine: applied")).length).toBe(1);
    expect(await ledgerCounts(db.url)).toEqual({
      engine: bundledEngineJournal.entries.length,
      client: clientJournal.entries.length,
    });

    const worker = startWorker(db.url);
    const { api, port, url, secrets } = await startApi(db.url);
    await worker.waitFor(/worker \S+ ready/, 60_000);
    const ready = await eventually(
      "healthy with the worker up",
      async () => {
        const h = await health(url);
        return h.code === 200 && h.body.status === "healthy" && h.body.components.worker.status === "up" && h;
      },
      { timeoutMs: 60_000 },
    );
    expect(ready.body.components.worker.live).toBeGreaterThanOrEqual(1);

    // A request in flight when SIGTERM lands: its body is half sent.
    const key = /(hsk_[A-Za-z0-9_-]{43})/.exec(secrets())?.[1];
    expect(key, api.output()).toBeDefined();
    expect(api.output()).not.toContain(key as string);
    const body = JSON.stringify({ name: "deploy_rehearsal", userId: "u_deploy" });
    const inFlight = new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1",
          port,
          method: "POST",
          path: "/v1/events",
          headers: {
            authorization: `Bearer ${key}`,
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
          },
        },
        (res) => {
          res.resume();
          res.once("end", () => resolve(res.statusCode ?? 0));
        },
      );
      req.once("error", reject);
      req.write(body.slice(0, 10));
      setTimeout(() => req.end(body.slice(10)), 1_500);
    });
    await new Promise((r) => setTimeout(r, 200));

    const stopping = Date.now();
    const apiExit = api.stop("SIGTERM");
    const workerExit = worker.stop("SIGTERM");
    // Draining: the api waits for the request and takes no new connections meanwhile.
    expect(await exitWithin(api, 500)).toBe("running");
    await expect(fetch(`${url}/v1/health`)).rejects.toThrow();
    expect(await inFlight).toBe(202);

    expect(await apiExit).toBe(0);
    expect(await workerExit).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(GRACE_MS);
    expect(api.output()).toContain("api stopped");
    expect(worker.output()).toContain("worker stopped");
  }, 120_000);

  it("with only the engine track applied the api boots but holds readiness (503 migration_pending) until migrate finishes", async () => {
    const db = await createTestDatabase({ migrated: false });
    databases.push(db);
    await runMigrations({ databaseUrl: db.url, tracks: [engineTrack()] });

    const { api, url } = await startApi(db.url);
    const behind = await health(url);
    expect(behind.code).toBe(503);
    expect(behind.body.status).toBe("migration_pending");
    expect(behind.body.schema.engine.inSync).toBe(true);
    expect(behind.body.schema.client).toMatchObject({
      inSync: false,
      pending: clientJournal.entries.map((e) => e.tag),
    });

    const m = await migrate(db.url);
    expect(m.code, m.stderr).toBe(0);
    // Health answers are shared for HEALTH_CACHE_MS (1 s): ready again within it.
    const after = await eventually(
      "healthy once migrated",
      async () => {
        const h = await health(url);
        return h.code === 200 && h;
      },
      { timeoutMs: 10_000 },
    );
    expect(after.body.status).toBe("healthy");
    expect(await api.stop("SIGTERM")).toBe(0);
  });

  it("answers 408 to a client that stalls mid-request, and advertises the keep-alive timeout", async () => {
    const db = await createTestDatabase();
    databases.push(db);
    const { port, url } = await startApi(db.url, {
      HTTP_REQUEST_TIMEOUT_MS: "1000",
      HTTP_KEEP_ALIVE_TIMEOUT_MS: "65000",
    });
    const res = await fetch(`${url}/v1/health`);
    expect(res.headers.get("keep-alive")).toBe("timeout=65");

    const started = Date.now();
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, "127.0.0.1");
      let text = "";
      socket.on("data", (d) => {
        text += d.toString();
      });
      socket.once("close", () => resolve(text));
      socket.once("error", reject);
      // Headers never finished: a slow-loris client holding a connection open.
      socket.write("GET /v1/health HTTP/1.1\r\nhost: x\r\n");
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
