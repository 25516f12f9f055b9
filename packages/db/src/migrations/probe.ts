import type postgres from "postgres";
import type { Journal } from "./journal.js";
import { readLedger } from "./ledger.js";

export interface TrackStatus {
  /** Bundled migrations recorded in the ledger. */
  applied: number;
  /** Migrations this build ships. */
  required: number;
  /** Every bundled migration is applied (a database ahead of the build counts as in sync). */
  inSync: boolean;
  /** Tags of bundled migrations not yet applied. */
  pending: string[];
}

/** Compares a track's ledger with the journal this build bundles. */
export async function probeTrack(
  sql: postgres.Sql,
  ledgerTable: string,
  journal: Journal,
): Promise<TrackStatus> {
  const applied = await readLedger(sql, ledgerTable);
  const pending = journal.entries.filter((e) => !applied.has(e.when)).map((e) => e.tag);
  const required = journal.entries.length;
  return { applied: required - pending.length, required, inSync: pending.length === 0, pending };
}
