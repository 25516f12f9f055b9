import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";

/** drizzle-kit's `meta/_journal.json`. */
export interface Journal {
  entries: JournalEntry[];
}

export interface JournalEntry {
  idx: number;
  /** Creation time in ms; the ledger's `created_at`, and a migration's identity. */
  when: number;
  tag: string;
  breakpoints: boolean;
}

export interface BundledMigration {
  tag: string;
  when: number;
  /** sha256 of the SQL file, as drizzle records it. */
  hash: string;
  statements: string[];
}

/** Reads a drizzle-kit migrations folder; undefined when the folder or its journal is missing. */
export async function readMigrationFolder(folder: string): Promise<BundledMigration[] | undefined> {
  const journalPath = join(folder, "meta", "_journal.json");
  if (!existsSync(journalPath)) return undefined;
  const journal = JSON.parse(await readFile(journalPath, "utf8")) as Journal;
  return Promise.all(
    journal.entries.map(async (entry) => {
      const text = await readFile(join(folder, `${entry.tag}.sql`), "utf8");
      return {
        tag: entry.tag,
        when: entry.when,
        hash: createHash("sha256").update(text).digest("hex"),
        statements: text
          .split("--> statement-breakpoint")
          .map((s) => s.trim())
          .filter(Boolean),
      };
    }),
  );
}
