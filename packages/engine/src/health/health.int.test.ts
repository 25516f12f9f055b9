import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import type { Journal } from "@hogsend/db/migrations";
import { getFreePort } from "@hogsend/devstack";
import { createTestDatabase, type TestDatabase, testStack } from "@hogsend/devstack/testing";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createHogsendClient, type HogsendClient } from "../platform/client.js";
import { createApp } from "../runtime/create-app.js";
import { testEnv, testRuntime } from "../testing.js";
import { heartbeatKey, startHeartbeat, WORKER_STALE_AFTER_MS } from "../worker/heartbeat.js";
import type { HealthReport } from "./health.js";

const clientJournal = JSON.parse(
  readFileSync(join(import.meta.dirname, "../../../../migrations/meta/_journal.json"), "utf8"),
) as Journal;

const stack = testStack();
let migrated: TestDatabase;
const opened: HogsendClient[] = [];

beforeAll(async () => {
  migrated = await createTestDatabase();
});
afterEach(async () => {
  for (const c of opened.splice(0)) await c.close();
});
afterAll(async () => {
  await migrated.drop();
});

function appWith(overrides: Record<string, string | undefined>, journal: Journal | null = clientJournal) {
  const client = createHogsendClient(testEnv(stack, { DATABASE_URL: migrated.url, ...overrides }), {
    version: "test",
    role: "api",
  });
  opened.push(client);
  return createApp(testRuntime(client, { clientJournal: journal }));
}

const ADMIN_KEY = `adm_${randomUUID()}${randomUUID()}`;

async function health(app: ReturnType<typeof appWith>, key?: string) {
  const res = await app.request("/v1/health", key ? { headers: { authorization: `Bearer ${key}` } } : {});
  return { status: res.status, body: (await res.json()) as HealthReport & { checkedAt: string } };
}

describe("GET /v1/health", () => {
  it("is healthy with every dependency up and both tracks in sync", async () => {
    const { status, body } = await health(appWith({}));
    expect(status).toBe(200);
    expect(body.status).toBe("healthy");
    expect(body.version).toBe("test");
    for (const name of ["database", "redis", "hatchet"] as const) {
      expect(body.components[name]).toMatchObject({ status: "up" });
      expect(body.components[name].latencyMs).toBeGreaterThanOrEqual(0);
    }
    expect(body.schema.engine).toMatchObject({ inSync: true, pending: [] });
    expect(body.schema.client).toMatchObject({
      inSync: true,
      pending: [],
      required: clientJournal.entries.length,
    });
  });

  it("answers 503 migration_pending when the client track is behind", async () => {
    const ahead: Journal = {
      entries: [
        ...clientJournal.entries,
        { idx: 99, when: Date.now(), tag: "0099_not_applied", breakpoints: true },
      ],
    };
    const { status, body } = await health(appWith({}, ahead));
    expect(status).toBe(503);
    expect(body.status).toBe("migration_pending");
    expect(body.schema.client).toMatchObject({ inSync: false, pending: ["0099_not_applied"] });
    expect(body.schema.engine?.inSync).toBe(true);
  });

  it("answers 503 migration_pending when the engine track is behind", async () => {
    const empty = await createTestDatabase({ migrated: false });
    try {
      const { status, body } = await health(appWith({ DATABASE_URL: empty.url }));
      expect(status).toBe(503);
      expect(body.status).toBe("migration_pending");
      expect(body.schema.engine).toMatchObject({ applied: 0, inSync: false });
    } finally {
      await opened.pop()?.close();
      await empty.drop();
    }
  });

  it("is degraded (200) when Redis is down", async () => {
    const closedPort = await getFreePort();
    const { status, body } = await health(appWith({ REDIS_URL: `redis://127.0.0.1:${closedPort}` }));
    expect(status).toBe(200);
    expect(body.status).toBe("degraded");
    expect(body.components.redis.status).toBe("down");
    expect(body.components.database.status).toBe("up");
  });

  describe("with dependencies that accept connections but never answer", () => {
    let silent: Server;
    let silentPort: number;
    const sockets = new Set<Socket>();
    beforeAll(async () => {
      // Accepts and holds sockets, never replies.
      silent = createServer((socket) => {
        sockets.add(socket);
        socket.on("error", () => {});
      });
      await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
      silentPort = (silent.address() as { port: number }).port;
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    });

    it("answers within the probe deadline and reports the slow component down", async () => {
      const app = appWith({ REDIS_URL: `redis://127.0.0.1:${silentPort}`, HEALTH_PROBE_TIMEOUT_MS: "300" });
      const started = performance.now();
      const { status, body } = await health(app);
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(status).toBe(200);
      expect(body.status).toBe("degraded");
      expect(body.components.redis).toMatchObject({ status: "down" });
    });
  });

  it("is degraded (200) with the schema unknown when Postgres is unreachable", async () => {
    const closedPort = await getFreePort();
    const { status, body } = await health(
      appWith({
        DATABASE_URL: `postgres://postgres:postgres@127.0.0.1:${closedPort}/nope`,
        HEALTH_PROBE_TIMEOUT_MS: "500",
      }),
    );
    expect(status).toBe(200);
    expect(body.status).toBe("degraded");
    expect(body.components.database.status).toBe("down");
    expect(body.schema).toEqual({ engine: null, client: null });
  });

  it("shows error texts (they name hosts) to an admin key only", async () => {
    const closedPort = await getFreePort();
    const app = appWith({
      DATABASE_URL: `postgres://postgres:postgres@127.0.0.1:${closedPort}/nope`,
      HEALTH_PROBE_TIMEOUT_MS: "500",
      ADMIN_API_KEY: ADMIN_KEY,
    });
    const anonymous = await health(app);
    expect(anonymous.body.components.database.status).toBe("down");
    expect(JSON.stringify(anonymous.body)).not.toContain(String(closedPort));
    expect(anonymous.body.components.database).not.toHaveProperty("error");
    expect((await health(app, "hsk_not_a_key")).body.components.database).not.toHaveProperty("error");
    const admin = await health(app, ADMIN_KEY);
    expect(admin.body.components.database.error).toBeTruthy();
  });

  it("probes at most once per HEALTH_CACHE_MS, and serves a liveness route that probes nothing", async () => {
    const app = appWith({ HEALTH_CACHE_MS: "60000" });
    const answers = await Promise.all(Array.from({ length: 20 }, () => health(app)));
    expect(new Set(answers.map((a) => a.body.checkedAt)).size).toBe(1);
    const fresh = appWith({ HEALTH_CACHE_MS: "0" });
    const first = await health(fresh);
    await new Promise((r) => setTimeout(r, 5));
    expect((await health(fresh)).body.checkedAt).not.toBe(first.body.checkedAt);

    const down = appWith({
      DATABASE_URL: "postgres://postgres:postgres@127.0.0.1:9/nope",
      HEALTH_PROBE_TIMEOUT_MS: "300",
    });
    const live = await down.request("/v1/health/live");
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: "live" });
  });

  it("reports Hatchet down when its port does not answer, without failing the endpoint", async () => {
    const closedPort = await getFreePort();
    const { status, body } = await health(appWith({ HATCHET_CLIENT_HOST_PORT: `127.0.0.1:${closedPort}` }));
    expect(status).toBe(200);
    expect(body.components.hatchet.status).toBe("down");
  });

  it("reports the worker from its heartbeats without changing the status", async () => {
    const namespace = `health_${randomUUID().slice(0, 8)}`;
    const app = appWith({
      HATCHET_CLIENT_NAMESPACE: namespace,
      HEALTH_CACHE_MS: "0",
      ADMIN_API_KEY: ADMIN_KEY,
    });
    const none = await health(app, ADMIN_KEY);
    expect(none.body.status).toBe("healthy");
    expect(none.body.components.worker).toMatchObject({ status: "down", lastSeenAt: null, live: 0 });
    expect(none.body.components.worker.error).toMatch(/is the worker running/);

    const redis = new Redis(stack.REDIS_URL);
    const key = heartbeatKey(namespace);
    const beating = startHeartbeat(redis, key, "worker-a");
    const stale = Date.now() - WORKER_STALE_AFTER_MS - 5_000;
    await redis.zadd(key, stale, "worker-crashed");
    await new Promise((r) => setTimeout(r, 50));
    const up = (await health(app, ADMIN_KEY)).body.components.worker;
    expect(up).toMatchObject({ status: "up", live: 1 });
    expect(Date.now() - Date.parse(up.lastSeenAt ?? "")).toBeLessThan(5_000);

    await beating.stop();
    const gone = (await health(app, ADMIN_KEY)).body.components.worker;
    expect(gone).toMatchObject({ status: "down", live: 0, lastSeenAt: new Date(stale).toISOString() });
    await redis.quit();
  });
});

describe("errors and docs", () => {
  it("answers unknown routes with the JSON error envelope", async () => {
    const res = await appWith({}).request("/v1/nope", { headers: { "x-request-id": "req-123" } });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { code: "NOT_FOUND", message: "No route for GET /v1/nope", requestId: "req-123" },
    });
  });

  it("serves /openapi.json outside production only", async () => {
    const dev = await appWith({}).request("/openapi.json");
    expect(dev.status).toBe(200);
    expect(((await dev.json()) as { paths: Record<string, unknown> }).paths).toHaveProperty("/v1/health");
    const prod = await appWith({ NODE_ENV: "production" }).request("/openapi.json");
    expect(prod.status).toBe(404);
  });
});
