import postgres from "postgres";
import { type BundledMigration, readMigrationFolder } from "./journal.js";
import { ensureLedger, readLedger, recordMigration } from "./ledger.js";
import { acquireMigrationLock, releaseMigrationLock } from "./lock.js";
import type { MigrationTrack, TrackName } from "./tracks.js";

export interface MigrateOptions {
  databaseUrl: string;
  /** Applied in order: engine first, then client (client tables may reference engine ones). */
  tracks: MigrationTrack[];
  /** DDL waiting longer than this on a table lock fails instead of stalling traffic. */
  lockTimeoutMs?: number;
  statementTimeoutMs?: number;
  /** How long to wait behind another migrator. */
  lockWaitMs?: number;
  log?: (line: string) => void;
}

export interface TrackResult {
  track: TrackName;
  skipped: boolean;
  appliedBefore: number;
  applied: string[];
}

/** A migration failed; names the track and migration so the operator knows where to look. */
export class MigrationFailedError extends Error {
  constructor(
    readonly track: TrackName,
    readonly migration: string,
    override readonly cause: unknown,
  ) {
    super(`${track} migration ${migration} failed: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = "MigrationFailedError";
  }
}

export class MigrationsMissingError extends Error {
  constructor(readonly folder: string) {
    super(`engine migrations not found at ${folder}; the build is incomplete`);
    this.name = "MigrationsMissingError";
  }
}

/** Applies every pending migration of each track, one transaction per migration, under one lock. */
export async function runMigrations(options: MigrateOptions): Promise<TrackResult[]> {
  const log = options.log ?? (() => {});
  const sql = postgres(options.databaseUrl, {
    // One connection for the whole run: the session advisory lock lives on it, so it must
    // never be recycled mid-run.
    max: 1,
    max_lifetime: null,
    idle_timeout: 0,
    onnotice: () => {},
    connection: {
      application_name: "hogsend-migrate",
      lock_timeout: options.lockTimeoutMs ?? 10_000,
      statement_timeout: options.statementTimeoutMs ?? 300_000,
    },
  });
  try {
    await acquireMigrationLock(sql, { waitMs: options.lockWaitMs ?? 300_000, log });
    try {
      const results: TrackResult[] = [];
      for (const track of options.tracks) {
        results.push(await migrateTrack(sql, track, log));
      }
      return results;
    } finally {
      await releaseMigrationLock(sql);
    }
  } finally {
    await sql.end();
  }
}

async function migrateTrack(
  sql: postgres.Sql,
  track: MigrationTrack,
  log: (line: string) => void,
): Promise<TrackResult> {
  const bundled = await readMigrationFolder(track.folder);
  if (!bundled || bundled.length === 0) {
    if (track.required) throw new MigrationsMissingError(track.folder);
    log(`${track.name}: no migrations in ${track.folder}, skipping`);
    return { track: track.name, skipped: true, appliedBefore: 0, applied: [] };
  }
  await ensureLedger(sql, track.ledgerTable);
  const done = await readLedger(sql, track.ledgerTable);
  const pending = bundled.filter((m) => !done.has(m.when));
  const appliedBefore = bundled.length - pending.length;
  log(`${track.name}: ${appliedBefore} applied, ${pending.length} pending`);
  const applied: string[] = [];
  for (const [i, migration] of pending.entries()) {
    const started = performance.now();
    await applyOne(sql, track, migration);
    applied.push(migration.tag);
    log(
      `${track.name}: applied ${migration.tag} (${i + 1}/${pending.length}, ${Math.round(performance.now() - started)}ms)`,
    );
  }
  return { track: track.name, skipped: false, appliedBefore, applied };
}

async function applyOne(sql: postgres.Sql, track: MigrationTrack, migration: BundledMigration) {
  try {
    await sql.begin(async (tx) => {
      for (const statement of migration.statements) await tx.unsafe(statement);
      await recordMigration(tx, track.ledgerTable, migration.hash, migration.when);
    });
  } catch (err) {
    throw new MigrationFailedError(track.name, migration.tag, err);
  }
}
