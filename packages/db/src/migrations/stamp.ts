import postgres from "postgres";
import { readMigrationFolder } from "./journal.js";
import { ensureLedger, readLedger, recordMigration } from "./ledger.js";
import { acquireMigrationLock, releaseMigrationLock } from "./lock.js";
import { MigrationsMissingError } from "./run.js";
import type { MigrationTrack } from "./tracks.js";

/**
 * Records a track's bundled migrations as applied without running them: for a database
 * whose schema was created by `db:push`, which writes no ledger rows.
 */
export async function stampTrack(
  databaseUrl: string,
  track: MigrationTrack,
  log: (line: string) => void = () => {},
): Promise<string[]> {
  const bundled = await readMigrationFolder(track.folder);
  if (!bundled) throw new MigrationsMissingError(track.folder);
  const sql = postgres(databaseUrl, { max: 1, max_lifetime: null, onnotice: () => {} });
  try {
    await acquireMigrationLock(sql, { waitMs: 60_000, log });
    try {
      await ensureLedger(sql, track.ledgerTable);
      const done = await readLedger(sql, track.ledgerTable);
      const stamped: string[] = [];
      for (const migration of bundled) {
        if (done.has(migration.when)) continue;
        await recordMigration(sql, track.ledgerTable, migration.hash, migration.when);
        stamped.push(migration.tag);
      }
      log(
        `${track.name}: stamped ${stamped.length} migration(s) as applied${stamped.length ? `: ${stamped.join(", ")}` : ""}`,
      );
      return stamped;
    } finally {
      await releaseMigrationLock(sql);
    }
  } finally {
    await sql.end();
  }
}
