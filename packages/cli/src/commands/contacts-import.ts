import { createHash } from "node:crypto";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { openContext } from "../context.js";
import { CliError, EXIT } from "../exit-codes.js";
import { importProgress } from "../import/progress.js";
import { type ImportRow, readRows } from "../import/rows.js";
import { writeBatch } from "../import/write.js";

export const IMPORT_HELP = `Usage: hogsend contacts import FILE.csv|FILE.jsonl [--dry-run] [--batch N] [--fresh]

Imports contacts from a CSV file (with a header row) or JSON Lines, streamed, so memory stays
flat. Columns named user_id (or external_id, distinct_id) and email are the identity; every other
column becomes a property, merged over what is stored. A row needs a user id or an email.

  --dry-run   validate every row and report the bad ones with their line numbers; write nothing
  --batch N   rows per statement (default 1000)
  --fresh     start at the top even if an earlier run of this file stopped midway

Re-importing a file changes nothing. A run that stops (a crash, Ctrl-C) resumes where it left off
the next time (progress in ~/.cache/hogsend/imports/). Exit codes: 0 every row imported (or, with
--dry-run, valid), 65 some rows refused (the rest are imported), 64 usage, 66 no such file.`;

interface Checkpoint {
  file: string;
  size: number;
  mtimeMs: number;
  rowsDone: number;
}

const checkpointPath = (file: string) =>
  join(
    homedir(),
    ".cache/hogsend/imports",
    `${createHash("sha256").update(file).digest("hex").slice(0, 16)}.json`,
  );

async function readCheckpoint(path: string, file: string, size: number, mtimeMs: number): Promise<number> {
  try {
    const saved = JSON.parse(await readFile(path, "utf8")) as Checkpoint;
    return saved.file === file && saved.size === size && saved.mtimeMs === mtimeMs ? saved.rowsDone : 0;
  } catch {
    return 0;
  }
}

export async function importContacts(
  args: string[],
  out: (line: string) => void,
  progressOut: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<number> {
  let parsed: {
    values: { "dry-run"?: boolean; batch?: string; fresh?: boolean; help?: boolean };
    positionals: string[];
  };
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        "dry-run": { type: "boolean" },
        batch: { type: "string", default: "1000" },
        fresh: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    throw new CliError(`${(err as Error).message}\n\n${IMPORT_HELP}`, EXIT.USAGE);
  }
  if (parsed.values.help) {
    out(IMPORT_HELP);
    return EXIT.OK;
  }
  const [given] = parsed.positionals;
  if (!given || parsed.positionals.length > 1)
    throw new CliError(`name one file\n\n${IMPORT_HELP}`, EXIT.USAGE);
  const batchSize = Number(parsed.values.batch);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000)
    throw new CliError(`--batch takes 1 to 10000, got ${parsed.values.batch}`, EXIT.USAGE);
  const file = resolve(given);
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) throw new CliError(`no such file: ${given}`, EXIT.NO_INPUT);
  const dryRun = parsed.values["dry-run"] === true;

  const checkpoint = checkpointPath(file);
  const skip =
    dryRun || parsed.values.fresh ? 0 : await readCheckpoint(checkpoint, file, info.size, info.mtimeMs);
  if (skip > 0) progressOut(`resuming ${given} after row ${skip} (--fresh starts over)`);

  const ctx = dryRun ? undefined : await openContext();
  const progress = { bytes: 0 };
  const bad: { line: number; error: string }[] = [];
  let rows = 0;
  let written = 0;
  let pending: ImportRow[] = [];
  const progressLine = importProgress(info.size, progress, progressOut);
  const flush = async () => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    if (ctx) {
      try {
        written += await writeBatch(ctx.db.sql, batch);
      } catch {
        // One row colliding with another contact's identity refuses the statement: retry each
        // row alone, so only the offending ones are reported.
        for (const row of batch) {
          try {
            written += await writeBatch(ctx.db.sql, [row]);
          } catch (err) {
            bad.push({ line: row.line, error: (err as Error).message });
          }
        }
      }
      const saved: Checkpoint = { file, size: info.size, mtimeMs: info.mtimeMs, rowsDone: rows };
      await mkdir(join(checkpoint, ".."), { recursive: true });
      // Written aside, then renamed over: a kill mid-write leaves the previous checkpoint whole.
      await writeFile(`${checkpoint}.tmp`, JSON.stringify(saved));
      await rename(`${checkpoint}.tmp`, checkpoint);
    }
  };

  try {
    for await (const result of readRows(file, progress)) {
      rows++;
      if (rows <= skip) continue;
      if (!result.ok) bad.push({ line: result.line, error: result.error });
      else pending.push(result.row);
      if (pending.length >= batchSize) await flush();
      progressLine.tick(rows);
    }
    await flush();
    progressLine.done(rows);
    if (!dryRun) await rm(checkpoint, { force: true });
  } finally {
    await ctx?.close();
  }
  const seconds = progressLine.seconds();
  out(
    dryRun
      ? `dry run: ${rows - skip - bad.length} of ${rows - skip} rows valid`
      : `imported ${given}: ${rows - skip} rows in ${seconds.toFixed(1)} s (${Math.round((rows - skip) / Math.max(seconds, 0.001))} rows/s); ` +
          `${written} contacts created or changed, ${rows - skip - bad.length - written} unchanged`,
  );
  for (const b of bad.slice(0, 20)) out(`  line ${b.line}: ${b.error}`);
  if (bad.length > 20) out(`  … and ${bad.length - 20} more`);
  if (bad.length > 0) out(`${bad.length} row(s) refused${dryRun ? "" : "; the others were imported"}`);
  return bad.length > 0 ? EXIT.DATA : EXIT.OK;
}
