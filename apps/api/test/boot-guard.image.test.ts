import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { bundledEngineJournal, clientTrack, engineTrack, runMigrations } from "@hogsend/db/migrations";
import { getFreePort } from "@hogsend/devstack";
import {
  createTestDatabase,
  type RunningProcess,
  startProcess,
  type TestDatabase,
  testStack,
} from "@hogsend/devstack/testing";
import { afterEach, beforeAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../../..");
const entry = join(root, "apps/api/dist/index.js");
const stack = testStack();

const databases: TestDatabase[] = [];
const processes: RunningProcess[] = [];
afterEach(async () => {
  for (const p of processes.splice(0)) await p.stop("SIGKILL");
  for (const db of databases.splice(0)) await db.drop();
});

beforeAll(() => {
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`pnpm build\` first (pnpm test does)`);
});

async function startApi(databaseUrl: string, extra: Record<string, string> = {}) {
  const port = await getFreePort();
  // Where a generated password or a minted key goes (never the logs).
  const secretsFile = join(tmpdir(), `hogsend-boot-secrets-${port}-${Date.now()}`);
  const api = startProcess(process.execPath, [entry], {
    cwd: root,
    env: {
      HOGSEND_SECRETS_FILE: secretsFile,
      PATH: process.env.PATH,
      NODE_ENV: "test",
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      REDIS_URL: stack.REDIS_URL,
      BETTER_AUTH_SECRET: "test-secret-test-secret-test-secret-42",
      HATCHET_CLIENT_TOKEN: stack.HATCHET_CLIENT_TOKEN,
      HATCHET_CLIENT_HOST_PORT: stack.HATCHET_CLIENT_HOST_PORT,
      HATCHET_CLIENT_TLS_STRATEGY: stack.HATCHET_CLIENT_TLS_STRATEGY,
      ...extra,
    },
  });
  processes.push(api);
  return { api, url: `http://127.0.0.1:${port}`, secretsFile };
}

async function database(migrated: boolean) {
  const db = await createTestDatabase({ migrated: false });
  databases.push(db);
  if (migrated) {
    await runMigrations({
      databaseUrl: db.url,
      tracks: [engineTrack(), clientTrack(join(root, "migrations"))],
    });
  }
  return db;
}

describe("api run mode (built entry)", () => {
  it("exits 1 against an unmigrated database, naming what is pending and the remedy", async () => {
    const db = await database(false);
    const { api } = await startApi(db.url);
    expect(await api.exited).toBe(1);
    expect(api.output()).toContain("engine schema is behind this build");
    expect(api.output()).toContain("pnpm db:migrate");
    const tags = bundledEngineJournal.entries.map((e) => e.tag);
    expect(api.output()).toContain(`"required":${tags.length},"applied":0,"pending":${JSON.stringify(tags)}`);
  });

  it("after migrating, serves a healthy /v1/health and stops cleanly on SIGTERM", async () => {
    const db = await database(true);
    const { api, url } = await startApi(db.url);
    await api.waitFor(/api listening/);
    const res = await fetch(`${url}/v1/health`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe("healthy");
    expect(await api.stop("SIGTERM")).toBe(0);
    expect(api.output()).toContain("api stopped");
  });

  it("mints the first admin and an ingest key on first boot only, printing each once", async () => {
    const db = await database(true);
    const first = await startApi(db.url, { STUDIO_ADMIN_EMAIL: "owner@example.com" });
    await first.api.waitFor(/api listening/);
    expect(await first.api.stop("SIGTERM")).toBe(0);
    const revealed = readFileSync(first.secretsFile, "utf8");
    const password = /password of the first Studio admin \S+: (\S+)/.exec(revealed)?.[1];
    const key = /(hsk_[A-Za-z0-9_-]{43})/.exec(revealed)?.[1];
    expect(password).toBeDefined();
    expect(key).toBeDefined();
    // The logs say where they are, never what they are.
    expect(first.api.output()).toContain(first.secretsFile);
    expect(first.api.output()).not.toContain(password as string);
    expect(first.api.output()).not.toContain(key as string);

    const restart = await startApi(db.url, { STUDIO_ADMIN_EMAIL: "owner@example.com" });
    await restart.api.waitFor(/api listening/);
    const status = await fetch(`${restart.url}/v1/auth/status`);
    expect(await status.json()).toEqual({ needsSetup: false });
    expect(await restart.api.stop("SIGTERM")).toBe(0);
    expect(restart.api.output()).not.toMatch(/generated password|minted an ingest API key/);
    expect(existsSync(restart.secretsFile)).toBe(false);
  });

  it("does not mint an ingest key when HOGSEND_BOOTSTRAP_API_KEY=false", async () => {
    const db = await database(true);
    const { api } = await startApi(db.url, { HOGSEND_BOOTSTRAP_API_KEY: "false" });
    await api.waitFor(/api listening/);
    expect(await api.stop("SIGTERM")).toBe(0);
    expect(api.output()).not.toContain("hsk_");
  });

  it("boots with a warning when SKIP_SCHEMA_CHECK=true, and health reports migration_pending", async () => {
    const db = await database(false);
    const { api, url } = await startApi(db.url, { SKIP_SCHEMA_CHECK: "true" });
    await api.waitFor(/api listening/);
    expect(api.output()).toContain("starting anyway because SKIP_SCHEMA_CHECK=true");
    const res = await fetch(`${url}/v1/health`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { status: string }).status).toBe("migration_pending");
  });

  it("exits 1 listing every invalid env key", async () => {
    const { api } = await startApi("mysql://nope", { PORT: "not-a-port", BETTER_AUTH_SECRET: "" });
    expect(await api.exited).toBe(1);
    for (const key of ["PORT", "DATABASE_URL", "BETTER_AUTH_SECRET"]) expect(api.output()).toContain(key);
  });
});
