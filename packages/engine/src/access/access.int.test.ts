import { randomUUID } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApiKey, createStudioAdmin, ensureBootstrapApiKey, ensureFirstAdmin } from "@hogsend/access";
import { getFreePort } from "@hogsend/devstack";
import { createTestDatabase, type TestDatabase, testStack } from "@hogsend/devstack/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { serveApp } from "../http/serve.js";
import { createHogsendClient, type HogsendClient } from "../platform/client.js";
import { createLogger } from "../platform/logger.js";
import { createApp } from "../runtime/create-app.js";
import { testEnv, testRuntime } from "../testing.js";

const stack = testStack();
const ADMIN_KEY = `adm_${randomUUID()}${randomUUID()}`;
let database: TestDatabase;
const clients: HogsendClient[] = [];
const logLines: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  logLines.length = 0;
});
afterAll(async () => {
  await database.drop();
});

/** One API instance: its own client and app, sharing the test database and Redis. */
function instance(overrides: Record<string, string | undefined> = {}) {
  const env = testEnv(stack, { DATABASE_URL: database.url, ADMIN_API_KEY: ADMIN_KEY, ...overrides });
  const logger = createLogger({ level: "debug", json: true, write: (line) => logLines.push(line) });
  const client = createHogsendClient(env, { version: "test", role: "api", logger });
  clients.push(client);
  return { client, app: createApp(testRuntime(client)) };
}

type App = ReturnType<typeof instance>["app"];

function bearer(token: string, init: RequestInit = {}): RequestInit {
  return {
    ...init,
    headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
  };
}

function json(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json", ...headers },
  };
}

async function signIn(app: App, email: string, password: string, ip = "203.0.113.10") {
  return app.request("/api/auth/sign-in/email", json({ email, password }, { "x-real-ip": ip }));
}

async function newAdmin(app: ReturnType<typeof instance>) {
  const email = `admin-${randomUUID()}@example.com`;
  const password = `pw-${randomUUID()}`;
  await createStudioAdmin(app.client.auth, { email, password });
  return { email, password };
}

describe("Studio sign-in", () => {
  it("refuses sign-up for everyone, signed in or not", async () => {
    const a = instance();
    const admin = await newAdmin(a);
    const signUp = (headers: Record<string, string> = {}) =>
      a.app.request(
        "/api/auth/sign-up/email",
        json({ email: `new-${randomUUID()}@example.com`, password: "a-long-password", name: "New" }, headers),
      );
    const anonymous = await signUp();
    expect(anonymous.status).toBeGreaterThanOrEqual(400);
    const session = await signIn(a.app, admin.email, admin.password);
    expect(session.status).toBe(200);
    const cookie = session.headers.get("set-cookie")?.split(";")[0] ?? "";
    const signedIn = await signUp({ cookie });
    expect(signedIn.status).toBeGreaterThanOrEqual(400);
    const users = await a.client.db.sql`select email from "user" where email like 'new-%'`;
    expect(users).toHaveLength(0);
  });

  it("refuses an oversized body under /api/auth with 413 before better-auth reads it", async () => {
    const a = instance();
    const huge = await a.app.request(
      "/api/auth/sign-in/email",
      json({ email: "ann@example.com", password: "x".repeat(64 * 1024) }),
    );
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { error: { code: string } }).error.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("answers a wrong password and an unknown user the same way", async () => {
    const a = instance();
    const admin = await newAdmin(a);
    const wrong = await signIn(a.app, admin.email, "not-the-password", "203.0.113.20");
    const unknown = await signIn(
      a.app,
      `nobody-${randomUUID()}@example.com`,
      "not-the-password",
      "203.0.113.21",
    );
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(wrong.status);
    expect(await unknown.json()).toEqual(await wrong.json());
  });

  it("holds a session made on one instance valid on another sharing Redis", async () => {
    const a = instance();
    const b = instance();
    const admin = await newAdmin(a);
    const res = await signIn(a.app, admin.email, admin.password, "203.0.113.30");
    expect(res.status).toBe(200);
    const cookie = res.headers.get("set-cookie")?.split(";")[0] ?? "";
    expect(cookie).toMatch(/^hogsend\.session_token=/);
    const onB = await b.app.request("/v1/admin/api-keys", { headers: { cookie } });
    expect(onB.status).toBe(200);
    const session = await b.app.request("/api/auth/get-session", { headers: { cookie } });
    expect(((await session.json()) as { user: { email: string } }).user.email).toBe(admin.email);
  });

  it("limits sign-in to 10 a minute per IP, counted across instances", async () => {
    const a = instance();
    // B sits behind two proxies of ours.
    const b = instance({ TRUSTED_PROXIES: "10.0.0.0/8" });
    const ip = `198.51.100.${Math.floor(Math.random() * 200) + 1}`;
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      // Instance A sees the client in x-real-ip, B behind two proxies in x-forwarded-for.
      const res =
        i % 2 === 0
          ? await signIn(a.app, `nobody-${i}@example.com`, "wrong-password", ip)
          : await b.app.request(
              "/api/auth/sign-in/email",
              json(
                { email: `nobody-${i}@example.com`, password: "wrong-password" },
                { "x-forwarded-for": `${ip}, 10.0.0.2, 10.0.0.3` },
              ),
            );
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses[10]).toBe(429);
    // Another IP is unaffected.
    expect((await signIn(a.app, "nobody@example.com", "wrong-password", "192.0.2.77")).status).toBe(401);
  });

  it("believes forwarding headers only from TRUSTED_PROXIES, so a caller cannot pick its own sign-in bucket", async () => {
    const attempts = async (port: number, headersFor: (i: number) => Record<string, string>) => {
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) {
        const res = await fetch(
          `http://127.0.0.1:${port}/api/auth/sign-in/email`,
          json({ email: `spoof-${i}@example.com`, password: "wrong-password" }, headersFor(i)),
        );
        statuses.push(res.status);
      }
      return statuses;
    };
    const onSocket = async (overrides: Record<string, string>, run: (port: number) => Promise<void>) => {
      const { app, client } = instance(overrides);
      const server = await serveApp(app, { port: 0, logger: client.logger });
      try {
        await run(server.port);
      } finally {
        await server.close();
      }
    };
    // No trusted proxy: every request is the socket's (127.0.0.1), whatever it claims to be.
    await onSocket({}, async (port) => {
      const statuses = await attempts(port, (i) => ({
        "x-real-ip": `203.0.113.${i + 1}`,
        "x-forwarded-for": `198.51.100.${i + 1}`,
      }));
      expect(statuses.at(-1)).toBe(429);
    });
    // Behind a trusted proxy (this socket), the client is the right-most hop the proxy appended;
    // whatever the client itself put in front of it changes nothing.
    const client = `192.0.2.${Math.floor(Math.random() * 200) + 20}`;
    await onSocket({ TRUSTED_PROXIES: "127.0.0.1" }, async (port) => {
      const statuses = await attempts(port, (i) => ({ "x-forwarded-for": `10.9.9.${i + 1}, ${client}` }));
      expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
      expect(statuses.at(-1)).toBe(429);
    });
  });

  it("with Redis down: sign-in fails closed with 503, keys and ingest keep working, rate limits fail open", async () => {
    const closed = await getFreePort();
    const lines: string[] = [];
    const env = testEnv(stack, {
      DATABASE_URL: database.url,
      ADMIN_API_KEY: ADMIN_KEY,
      REDIS_URL: `redis://127.0.0.1:${closed}`,
    });
    const client = createHogsendClient(env, {
      version: "test",
      role: "api",
      logger: createLogger({ level: "warn", json: true, write: (line) => lines.push(line) }),
    });
    clients.push(client);
    const app = createApp(testRuntime(client));
    // Sessions live in Redis: no sign-in while it is away, and a clear answer rather than a 500.
    const signIn = await app.request(
      "/api/auth/sign-in/email",
      json({ email: "nobody@example.com", password: "wrong-password" }, { "x-real-ip": "203.0.113.99" }),
    );
    expect(signIn.status).toBe(503);
    expect(signIn.headers.get("retry-after")).toBe("5");
    expect(((await signIn.json()) as { error: { message: string } }).error.message).toMatch(
      /^Redis is unreachable/,
    );
    // API keys are checked against Postgres; the admin window fails open, saying so in the log.
    expect((await app.request("/v1/admin/api-keys", bearer(ADMIN_KEY))).status).toBe(200);
    const { secret } = await createApiKey(client.db.db, {
      name: "redis down",
      scopes: ["ingest"],
      createdBy: "t",
    });
    const ingest = await app.request(
      "/v1/events",
      bearer(secret, json({ name: "seen_without_redis", userId: `u_${randomUUID()}` })),
    );
    expect(ingest.status).toBe(202);
    expect(lines.join("\n")).toContain("rate limiter unavailable; request not counted");
  });

  it("reports needsSetup until the first admin exists", async () => {
    const fresh = await createTestDatabase();
    try {
      const a = instance({ DATABASE_URL: fresh.url });
      const before = await a.app.request("/v1/auth/status");
      expect(await before.json()).toEqual({ needsSetup: true });
      await newAdmin(a);
      expect(await (await a.app.request("/v1/auth/status")).json()).toEqual({ needsSetup: false });
      await a.client.close();
    } finally {
      await fresh.drop();
    }
  });
});

describe("first-boot credentials", () => {
  it("mints one admin and one ingest key when two replicas boot at once, printing each secret once", async () => {
    const fresh = await createTestDatabase();
    try {
      const secretsFile = join(tmpdir(), `hogsend-secrets-${randomUUID()}`);
      const a = instance({ DATABASE_URL: fresh.url, HOGSEND_SECRETS_FILE: secretsFile });
      const b = instance({ DATABASE_URL: fresh.url, HOGSEND_SECRETS_FILE: secretsFile });
      const email = "first-admin@example.com";
      const results = await Promise.all([
        ensureFirstAdmin(a.client, { email, password: undefined }),
        ensureFirstAdmin(b.client, { email, password: undefined }),
      ]);
      expect(results.sort()).toEqual(["created", "exists"]);
      const keys = await Promise.all([ensureBootstrapApiKey(a.client), ensureBootstrapApiKey(b.client)]);
      expect(keys.sort()).toEqual(["created", "exists"]);
      // A restart changes nothing.
      expect(await ensureFirstAdmin(a.client, { email, password: undefined })).toBe("exists");

      // Each secret once, in a file only this user reads (stderr is no terminal here); the logs,
      // which end up in log aggregation, say where it is and never what it is.
      const revealed = readFileSync(secretsFile, "utf8");
      expect(statSync(secretsFile).mode & 0o777).toBe(0o600);
      const password = /password of the first Studio admin \S+: (\S+)/.exec(revealed)?.[1];
      const secret = /(hsk_[A-Za-z0-9_-]{43})/.exec(revealed)?.[1];
      expect(password).toBeDefined();
      expect(secret).toBeDefined();
      expect(revealed.split(password as string).length - 1).toBe(1);
      expect(revealed.split(secret as string).length - 1).toBe(1);
      const log = logLines.join("\n");
      expect(log).toContain(secretsFile);
      expect(log).not.toContain(password as string);
      expect(log).not.toContain(secret as string);
      expect(await a.client.db.sql`select 1 from "user"`).toHaveLength(1);
      const audit = await a.client.db.sql`select action, actor_type, metadata from audit_logs order by seq`;
      expect(audit.map((r) => r.action)).toEqual(["studio_admin.create", "api_key.create"]);
      expect(JSON.stringify(audit)).not.toContain(password as string);
      expect(JSON.stringify(audit)).not.toContain(secret as string);
      expect(await a.client.db.sql`select scopes from api_keys`).toEqual([{ scopes: ["ingest"] }]);

      // The printed credentials work.
      expect((await signIn(a.app, email, password as string, "203.0.113.40")).status).toBe(200);
      const ingestOnAdmin = await a.app.request("/v1/admin/api-keys", bearer(secret as string));
      expect(ingestOnAdmin.status).toBe(403);
    } finally {
      await fresh.drop();
    }
  });
});

describe("API keys and admin routes", () => {
  async function mintKey(
    client: HogsendClient,
    scopes: ("ingest" | "read" | "full-admin")[],
    expiresAt?: Date,
  ) {
    return createApiKey(client.db.db, {
      name: `test ${scopes.join(",")}`,
      scopes,
      createdBy: "test",
      expiresAt: expiresAt ?? null,
    });
  }

  it("answers 401 without credentials and with unknown, revoked or expired keys", async () => {
    const { app, client } = instance();
    expect((await app.request("/v1/admin/api-keys")).status).toBe(401);
    expect((await app.request("/v1/admin/api-keys", bearer("hsk_nope"))).status).toBe(401);
    expect((await app.request("/v1/admin/api-keys", { headers: { authorization: "Basic x" } })).status).toBe(
      401,
    );

    const expired = await mintKey(client, ["full-admin"], new Date(Date.now() - 1_000));
    const expiredRes = await app.request("/v1/admin/api-keys", bearer(expired.secret));
    expect(expiredRes.status).toBe(401);
    expect(((await expiredRes.json()) as { error: { code: string } }).error.code).toBe("UNAUTHORIZED");

    const live = await mintKey(client, ["full-admin"]);
    expect((await app.request("/v1/admin/api-keys", bearer(live.secret))).status).toBe(200);
    const revoke = await app.request(
      `/v1/admin/api-keys/${live.key.id}`,
      bearer(ADMIN_KEY, { method: "DELETE" }),
    );
    expect(revoke.status).toBe(200);
    expect((await app.request("/v1/admin/api-keys", bearer(live.secret))).status).toBe(401);

    type KeyList = { items: { id: string; revokedAt: string | null }[] };
    const live_ = (await (await app.request("/v1/admin/api-keys", bearer(ADMIN_KEY))).json()) as KeyList;
    expect(live_.items.some((k) => k.id === live.key.id)).toBe(false);
    const all = (await (
      await app.request("/v1/admin/api-keys?includeRevoked=true", bearer(ADMIN_KEY))
    ).json()) as KeyList;
    expect(all.items.find((k) => k.id === live.key.id)?.revokedAt).toEqual(expect.any(String));
  });

  it("lets a read key read but not mutate, and keeps an ingest key off admin routes (403)", async () => {
    const { app, client } = instance();
    const read = await mintKey(client, ["read"]);
    expect((await app.request("/v1/admin/api-keys", bearer(read.secret))).status).toBe(200);
    expect((await app.request("/v1/admin/audit-logs", bearer(read.secret))).status).toBe(200);
    const create = await app.request(
      "/v1/admin/api-keys",
      bearer(read.secret, json({ name: "x", scopes: ["read"] })),
    );
    expect(create.status).toBe(403);
    const body = (await create.json()) as { error: { code: string; details: { requiredOneOf: string[] } } };
    expect(body.error.code).toBe("FORBIDDEN");
    expect(body.error.details.requiredOneOf).toEqual(["full-admin"]);
    expect(
      (await app.request(`/v1/admin/api-keys/${read.key.id}`, bearer(read.secret, { method: "DELETE" })))
        .status,
    ).toBe(403);

    const ingest = await mintKey(client, ["ingest"]);
    expect((await app.request("/v1/admin/api-keys", bearer(ingest.secret))).status).toBe(403);
    expect((await app.request("/v1/admin/audit-logs", bearer(ingest.secret))).status).toBe(403);
  });

  it("creates a key whose secret is shown once, stored only as a hash, and audited without it", async () => {
    const { app, client } = instance({ TRUSTED_PROXIES: "10.0.0.0/8" });
    const res = await app.request(
      "/v1/admin/api-keys",
      bearer(
        ADMIN_KEY,
        json(
          { name: "ci ingest", scopes: ["ingest", "ingest"] },
          { "x-forwarded-for": "198.51.100.9, 10.0.0.1" },
        ),
      ),
    );
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: string; secret: string; prefix: string; scopes: string[] };
    expect(created.secret).toMatch(/^hsk_[A-Za-z0-9_-]{43}$/);
    expect(created.prefix).toBe(created.secret.slice(4, 12));
    expect(created.scopes).toEqual(["ingest"]);

    const list = (await (await app.request("/v1/admin/api-keys", bearer(ADMIN_KEY))).json()) as {
      items: Record<string, unknown>[];
    };
    expect(JSON.stringify(list)).not.toContain(created.secret);
    const [row] = await client.db.sql<{ hash: string }[]>`select hash from api_keys where id = ${created.id}`;
    expect(row?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row?.hash).not.toContain(created.secret);

    const audit = await client.db.sql`select * from audit_logs where resource_id = ${created.id}`;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: "api_key.create", actor_type: "admin_key", ip: "198.51.100.9" });
    const allAudit = JSON.stringify(await client.db.sql`select * from audit_logs`);
    expect(allAudit).not.toContain(created.secret);
    expect(logLines.join("\n")).not.toContain(created.secret);
  });

  it("names every failing field on bad input and changes nothing", async () => {
    const { app, client } = instance();
    const before = await client.db.sql`select count(*)::int as n from api_keys`;
    const res = await app.request(
      "/v1/admin/api-keys",
      bearer(ADMIN_KEY, json({ name: "", scopes: ["root"], expiresAt: "2001-01-01T00:00:00Z" })),
    );
    expect(res.status).toBe(400);
    const body = (await res.json()) as {
      error: { code: string; message: string; details: { fields: { field: string }[] } };
    };
    expect(body.error.code).toBe("VALIDATION_FAILED");
    expect(body.error.details.fields.map((f) => f.field).sort()).toEqual(["expiresAt", "name", "scopes.0"]);
    expect(await client.db.sql`select count(*)::int as n from api_keys`).toEqual(before);
    const notJson = await app.request(
      "/v1/admin/api-keys",
      bearer(ADMIN_KEY, { method: "POST", body: "{", headers: { "content-type": "application/json" } }),
    );
    expect(notJson.status).toBe(400);
    expect(
      (await app.request("/v1/admin/api-keys/not-a-uuid", bearer(ADMIN_KEY, { method: "DELETE" }))).status,
    ).toBe(400);
    expect(
      (await app.request(`/v1/admin/api-keys/${randomUUID()}`, bearer(ADMIN_KEY, { method: "DELETE" })))
        .status,
    ).toBe(404);
  });

  it("pages the audit log newest first", async () => {
    const { app } = instance();
    for (const name of ["one", "two", "three"]) {
      await app.request(
        "/v1/admin/api-keys",
        bearer(ADMIN_KEY, json({ name: `page ${name}`, scopes: ["read"] })),
      );
    }
    const first = (await (await app.request("/v1/admin/audit-logs?limit=2", bearer(ADMIN_KEY))).json()) as {
      items: { metadata: { name: string } }[];
      nextCursor: string;
    };
    expect(first.items.map((i) => i.metadata.name)).toEqual(["page three", "page two"]);
    const second = (await (
      await app.request(`/v1/admin/audit-logs?limit=2&cursor=${first.nextCursor}`, bearer(ADMIN_KEY))
    ).json()) as { items: { metadata: { name: string } }[] };
    expect(second.items[0]?.metadata.name).toBe("page one");
    expect((await app.request("/v1/admin/audit-logs?cursor=garbage", bearer(ADMIN_KEY))).status).toBe(400);
  });

  it("rate-limits admin routes per key across instances, with the limit headers", async () => {
    const a = instance({ ADMIN_RATE_LIMIT_PER_MINUTE: "4" });
    const b = instance({ ADMIN_RATE_LIMIT_PER_MINUTE: "4" });
    const key = await mintKey(a.client, ["read"]);
    const seen: Response[] = [];
    for (let i = 0; i < 5; i++)
      seen.push(await (i % 2 === 0 ? a : b).app.request("/v1/admin/api-keys", bearer(key.secret)));
    expect(seen.slice(0, 4).map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(seen[0]?.headers.get("x-ratelimit-limit")).toBe("4");
    expect(seen[3]?.headers.get("x-ratelimit-remaining")).toBe("0");
    const limited = seen[4] as Response;
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe("RATE_LIMITED");
    // Another key has its own window.
    const other = await mintKey(a.client, ["read"]);
    expect((await b.app.request("/v1/admin/api-keys", bearer(other.secret))).status).toBe(200);
  });
});

describe("API reference", () => {
  it("serves /docs and /openapi.json outside production only", async () => {
    const dev = instance();
    expect((await dev.app.request("/docs")).status).toBe(200);
    const spec = (await (await dev.app.request("/openapi.json")).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        "/v1/health",
        "/v1/auth/status",
        "/v1/admin/api-keys",
        "/v1/admin/api-keys/{id}",
        "/v1/admin/audit-logs",
      ]),
    );
    const prod = instance({ NODE_ENV: "production" });
    expect((await prod.app.request("/docs")).status).toBe(404);
    expect((await prod.app.request("/openapi.json")).status).toBe(404);
  });
});
