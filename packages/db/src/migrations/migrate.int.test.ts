import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createTestDatabase, runToExit, type TestDatabase } from "@hogsend/devstack/testing";
import postgres from "postgres";
import { afterEach, describe, expect, it } from "vitest";
import { defaultClientMigrationsDir } from "../env.js";
import type { Journal } from "./journal.js";
import { probeTrack } from "./probe.js";
import { runMigrations } from "./run.js";
import { bundledEngineJournal, CLIENT_LEDGER, clientTrack, ENGINE_LEDGER, engineTrack } from "./tracks.js";

const root = resolve(import.meta.dirname, "../../../..");
const tsx = join(root, "node_modules/.bin/tsx");
const drizzleKit = join(root, "node_modules/.bin/drizzle-kit");
const migrateEntry = join(root, "packages/db/src/migrate.ts");
const stampEntry = join(root, "packages/db/src/stamp.ts");
const clientDir = defaultClientMigrationsDir();

const databases: TestDatabase[] = [];
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0)) await fn();
  for (const db of databases.splice(0)) await db.drop();
});

async function emptyDatabase(): Promise<{ url: string; sql: postgres.Sql }> {
  const db = await createTestDatabase({ migrated: false });
  databases.push(db);
  const sql = postgres(db.url, { max: 2, onnotice: () => {} });
  cleanups.push(() => sql.end());
  return { url: db.url, sql };
}

async function clientJournal(dir = clientDir): Promise<Journal> {
  return JSON.parse(await readFile(join(dir, "meta/_journal.json"), "utf8")) as Journal;
}

async function ledgerRows(sql: postgres.Sql, table: string) {
  return sql.unsafe<{ created_at: string; hash: string }[]>(
    `select created_at, hash from drizzle."${table}" order by id`,
  );
}

function migrateProcess(url: string, extra: Record<string, string> = {}) {
  return runToExit(tsx, [migrateEntry], {
    env: { ...process.env, DATABASE_URL: url, ...extra },
    cwd: root,
    timeoutMs: 120_000,
  });
}

describe("migrate run mode", () => {
  it("applies both tracks to a fresh database, and a second run is a no-op", async () => {
    const { url, sql } = await emptyDatabase();
    expect((await probeTrack(sql, ENGINE_LEDGER, bundledEngineJournal)).inSync).toBe(false);

    const first = await migrateProcess(url);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`engine: 0 applied, ${bundledEngineJournal.entries.length} pending`);
    const tables = await sql<{ table_name: string }[]>`
      select table_name from information_schema.tables where table_schema = 'public' order by 1`;
    const names = tables.map((t) => t.table_name);
    for (const table of [
      "contacts",
      "user_events",
      "api_keys",
      "audit_logs",
      "user",
      "session",
      "app_settings",
    ]) {
      expect(names).toContain(table);
    }
    expect(await ledgerRows(sql, ENGINE_LEDGER)).toHaveLength(bundledEngineJournal.entries.length);
    expect(await ledgerRows(sql, CLIENT_LEDGER)).toHaveLength((await clientJournal()).entries.length);

    const second = await migrateProcess(url);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain("nothing to apply");
    expect(await ledgerRows(sql, ENGINE_LEDGER)).toHaveLength(bundledEngineJournal.entries.length);
  });

  it("five migrators started at once all exit 0 and apply each migration exactly once", async () => {
    const { url, sql } = await emptyDatabase();
    const results = await Promise.all(Array.from({ length: 5 }, () => migrateProcess(url)));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    // Exactly one process applied the migrations; the others found nothing pending.
    expect(results.filter((r) => r.stdout.includes("engine: applied")).length).toBe(1);
    const engine = await ledgerRows(sql, ENGINE_LEDGER);
    const client = await ledgerRows(sql, CLIENT_LEDGER);
    expect(engine).toHaveLength(bundledEngineJournal.entries.length);
    expect(new Set(engine.map((r) => r.created_at)).size).toBe(engine.length);
    expect(client).toHaveLength((await clientJournal()).entries.length);
  });

  it("a failing client migration leaves the engine track applied and exits non-zero naming it", async () => {
    const { url, sql } = await emptyDatabase();
    const dir = await mkdtemp(join(tmpdir(), "hogsend-client-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await cp(clientDir, dir, { recursive: true });
    const journal = await clientJournal(dir);
    const last = journal.entries.at(-1);
    journal.entries.push({
      idx: journal.entries.length,
      when: (last?.when ?? 0) + 1,
      tag: "0099_broken",
      breakpoints: true,
    });
    await writeFile(join(dir, "meta/_journal.json"), JSON.stringify(journal));
    await writeFile(join(dir, "0099_broken.sql"), 'ALTER TABLE "no_such_table" ADD COLUMN "x" text;');

    const result = await migrateProcess(url, { CLIENT_MIGRATIONS_DIR: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("client migration 0099_broken failed");
    expect(result.stderr).toContain("no_such_table");
    expect((await probeTrack(sql, ENGINE_LEDGER, bundledEngineJournal)).inSync).toBe(true);
    const clientStatus = await probeTrack(sql, CLIENT_LEDGER, journal);
    expect(clientStatus.pending).toEqual(["0099_broken"]);
  });

  it("skips a missing client folder with a message, but refuses a missing engine folder", async () => {
    const { url } = await emptyDatabase();
    const skipped = await migrateProcess(url, {
      CLIENT_MIGRATIONS_DIR: join(tmpdir(), "hogsend-no-such-dir"),
    });
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stdout).toMatch(/client: no migrations in .* skipping/);

    await expect(
      runMigrations({ databaseUrl: url, tracks: [engineTrack(join(tmpdir(), "hogsend-missing-engine"))] }),
    ).rejects.toThrow(/engine migrations not found/);
  });

  it("exits 1 listing DATABASE_URL when it is missing or malformed", async () => {
    const result = await runToExit(tsx, [migrateEntry], {
      env: { PATH: process.env.PATH, DATABASE_URL: "mysql://nope" },
      cwd: root,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("DATABASE_URL");
    expect(result.stderr).toContain("postgres://");
  });
});

describe("version probe, db:push and db:stamp", () => {
  it("counts a database ahead of the build as in sync", async () => {
    const { url, sql } = await emptyDatabase();
    await runMigrations({ databaseUrl: url, tracks: [engineTrack(), clientTrack(clientDir)] });
    await sql.unsafe(
      `insert into drizzle."${ENGINE_LEDGER}" (hash, created_at) values ('from-a-newer-build', 9999999999999)`,
    );
    const status = await probeTrack(sql, ENGINE_LEDGER, bundledEngineJournal);
    expect(status).toMatchObject({
      inSync: true,
      pending: [],
      required: bundledEngineJournal.entries.length,
    });
  });

  it("reports a pushed database behind until db:stamp records the bundled migrations", async () => {
    const { url, sql } = await emptyDatabase();
    const push = await runToExit(
      drizzleKit,
      ["push", "--config", "packages/db/drizzle.config.ts", "--force"],
      { env: { ...process.env, DATABASE_URL: url }, cwd: root, timeoutMs: 120_000 },
    );
    expect(push.code, push.stdout + push.stderr).toBe(0);
    const tables = await sql`select 1 from information_schema.tables where table_name = 'contacts'`;
    expect(tables).toHaveLength(1);

    const pushed = await probeTrack(sql, ENGINE_LEDGER, bundledEngineJournal);
    expect(pushed.inSync).toBe(false);
    expect(pushed.pending).toEqual(bundledEngineJournal.entries.map((e) => e.tag));

    const stamp = await runToExit(tsx, [stampEntry], {
      env: { ...process.env, DATABASE_URL: url },
      cwd: root,
    });
    expect(stamp.code, stamp.stderr).toBe(0);
    expect(stamp.stdout).toContain(`stamped ${bundledEngineJournal.entries.length} migration(s) as applied`);
    expect((await probeTrack(sql, ENGINE_LEDGER, bundledEngineJournal)).inSync).toBe(true);

    // Stamped migrations are not run again.
    const migrate = await migrateProcess(url);
    expect(migrate.code, migrate.stderr).toBe(0);
    expect(migrate.stdout).toContain(`engine: ${bundledEngineJournal.entries.length} applied, 0 pending`);
  });
});
