import { join, resolve } from "node:path";
import { createTestDatabase, runToExit, startProcess, type TestDatabase } from "@hogsend/devstack/testing";
import { afterEach, describe, expect, it } from "vitest";
import { defaultClientMigrationsDir } from "./env.js";
import { bundledEngineJournal, clientTrack, engineTrack, runMigrations } from "./migrations/index.js";

const root = resolve(import.meta.dirname, "../../..");
const tsx = join(root, "node_modules/.bin/tsx");
const entry = join(root, "packages/db/src/wait-for-schema.ts");

const databases: TestDatabase[] = [];
afterEach(async () => {
  for (const db of databases.splice(0)) await db.drop();
});

async function database(migrated: boolean): Promise<string> {
  const db = await createTestDatabase({ migrated });
  databases.push(db);
  return db.url;
}

const waitFor = (url: string, args: string[]) =>
  runToExit(tsx, [entry, ...args], { env: { ...process.env, DATABASE_URL: url }, cwd: root });

describe("wait-for-schema", () => {
  it("exits 0 at once on a migrated database", async () => {
    const r = await waitFor(await database(true), ["--timeout", "10"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("schema is up to date");
  });

  it("exits 1 at the deadline on an unmigrated database, naming the pending engine migrations", async () => {
    const r = await waitFor(await database(false), ["--timeout", "1", "--interval", "0.2"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("gave up after 1s");
    expect(r.stderr).toContain(bundledEngineJournal.entries[0]?.tag);
  });

  it("releases its caller once a migrator finishes", async () => {
    const url = await database(false);
    const waiter = startProcess(tsx, [entry, "--timeout", "60", "--interval", "0.2"], {
      env: { ...process.env, DATABASE_URL: url },
      cwd: root,
    });
    try {
      await waiter.waitFor(/waiting for the migrate run mode/);
      await runMigrations({
        databaseUrl: url,
        tracks: [engineTrack(), clientTrack(defaultClientMigrationsDir())],
      });
      expect(await waiter.exited).toBe(0);
      expect(waiter.output()).toContain("schema is up to date");
    } finally {
      await waiter.stop("SIGKILL");
    }
  });

  it("keeps waiting through an unreachable database and says so", async () => {
    const r = await waitFor("postgres://hogsend@127.0.0.1:1/none", ["--timeout", "1", "--interval", "0.2"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("database not reachable");
  });

  it("refuses a bad --timeout", async () => {
    const r = await waitFor("postgres://hogsend@127.0.0.1:1/none", ["--timeout", "soon"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--timeout must be a positive number");
  });
});
