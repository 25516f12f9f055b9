import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import engineJournal from "../../drizzle/meta/_journal.json" with { type: "json" };
import type { Journal } from "./journal.js";

export type TrackName = "engine" | "client";

/** One migration track: where its SQL lives and which ledger records it. */
export interface MigrationTrack {
  name: TrackName;
  /** Ledger table in schema `drizzle`. */
  ledgerTable: string;
  /** Folder of SQL + meta/_journal.json (read by migrate and stamp). */
  folder: string;
  /** A missing engine folder is a broken build; a missing client folder just means no client tables. */
  required: boolean;
}

export const LEDGER_SCHEMA = "drizzle";
export const ENGINE_LEDGER = "__drizzle_migrations";
export const CLIENT_LEDGER = "__client_migrations";

/** The engine journal, bundled into any build that imports this module (the boot guard needs it). */
export const bundledEngineJournal: Journal = engineJournal;

/** packages/db/drizzle, resolved from this source file (migrate runs from source with tsx). */
export function engineTrack(
  folder = join(dirname(fileURLToPath(import.meta.url)), "../../drizzle"),
): MigrationTrack {
  return { name: "engine", ledgerTable: ENGINE_LEDGER, folder, required: true };
}

export function clientTrack(folder: string): MigrationTrack {
  return { name: "client", ledgerTable: CLIENT_LEDGER, folder, required: false };
}
