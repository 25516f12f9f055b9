import { createWriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { parseArgs } from "node:util";
import { recordAudit } from "@hogsend/access";
import { type AddressToSuppress, suppressAddresses, suppressionsCursor } from "@hogsend/db";
import { openContext } from "../context.js";
import { CliError, EXIT } from "../exit-codes.js";
import { importProgress } from "../import/progress.js";
import { EMAIL_SHAPE, readRecords } from "../import/rows.js";

export const SUPPRESSIONS_TRANSFER_HELP = `Usage:
  hogsend suppressions import FILE.csv|FILE.jsonl [--dry-run] [--reason R] [--batch N]
  hogsend suppressions export [--out FILE]

import reads a provider's suppression export (Postmark's, Resend's, or any CSV with a header):
the address column is the first named email, email address, address or recipient (any case or
spacing); the reason column, if any, is reason, suppression reason, type or bounce type. Each
address is suppressed: its contact if Hogsend knows it, else a new contact holding only the
address. An address already suppressed keeps its reason; an address erased at its owner's request
is skipped (counted), so it is not stored again. Re-importing a file changes nothing.

  --dry-run   check every row and name the bad ones by line; write nothing
  --reason R  the reason for rows without one (default: imported from FILE)
  --batch N   addresses per statement (default 1000)

export writes every suppressed contact as CSV (email,user_id,reason,suppressed_at), oldest first,
to stdout or --out FILE (mode 600). Exit codes: 0 ok, 64 usage, 65 some rows refused (the others
are imported), 66 no such file, 69 database unreachable.`;

const normalise = (column: string) => column.toLowerCase().replace(/[^a-z]/g, "");
const ADDRESS_COLUMNS = ["email", "emailaddress", "address", "recipient"];
const REASON_COLUMNS = ["reason", "suppressionreason", "type", "bouncetype"];

function pick(record: Record<string, unknown>, names: readonly string[]): string | undefined {
  const byName = new Map(Object.entries(record).map(([k, v]) => [normalise(k), v]));
  for (const name of names) {
    const value = byName.get(name);
    if (typeof value === "string" && value.trim() !== "") return value.trim();
  }
  return undefined;
}

function parse(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      options: {
        "dry-run": { type: "boolean" },
        reason: { type: "string" },
        batch: { type: "string", default: "1000" },
        out: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    throw new CliError(`${(err as Error).message}\n\n${SUPPRESSIONS_TRANSFER_HELP}`, EXIT.USAGE);
  }
}

export async function importSuppressions(
  args: string[],
  out: (line: string) => void,
  progressOut: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<number> {
  const { values, positionals } = parse(args);
  if (values.help) {
    out(SUPPRESSIONS_TRANSFER_HELP);
    return EXIT.OK;
  }
  const [given] = positionals;
  if (!given || positionals.length > 1)
    throw new CliError(`name one file\n\n${SUPPRESSIONS_TRANSFER_HELP}`, EXIT.USAGE);
  const batchSize = Number(values.batch);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000)
    throw new CliError(`--batch takes 1 to 10000, got ${values.batch}`, EXIT.USAGE);
  const file = resolve(given);
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) throw new CliError(`no such file: ${given}`, EXIT.NO_INPUT);
  const dryRun = values["dry-run"] === true;
  const fallbackReason = values.reason?.trim() || `imported from ${basename(file)}`;

  const ctx = dryRun ? undefined : await openContext();
  const read = { bytes: 0 };
  const progress = importProgress(info.size, read, progressOut);
  const bad: { line: number; error: string }[] = [];
  const totals = { suppressed: 0, created: 0, unchanged: 0, erased: 0 };
  let rows = 0;
  let pending: AddressToSuppress[] = [];
  const flush = async () => {
    if (!ctx || pending.length === 0) return;
    const counted = await suppressAddresses(ctx.db.sql, pending);
    pending = [];
    for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += counted[key];
  };
  try {
    for await (const result of readRecords(file, read)) {
      rows++;
      if (!result.ok) {
        bad.push(result);
        continue;
      }
      const email = pick(result.record, ADDRESS_COLUMNS);
      if (!email) bad.push({ line: result.line, error: "no email column has a value" });
      else if (!EMAIL_SHAPE.test(email) || email.length > 320)
        bad.push({ line: result.line, error: `${JSON.stringify(email)} is not an address` });
      else {
        const reason = pick(result.record, REASON_COLUMNS);
        pending.push({ email, reason: reason ? `${fallbackReason}: ${reason}` : fallbackReason });
      }
      if (pending.length >= batchSize) await flush();
      progress.tick(rows);
    }
    await flush();
    progress.done(rows);
    if (ctx)
      await recordAudit(ctx.db.db, "system", {
        action: "suppressions.import",
        resourceType: "email_preferences",
        metadata: { file: basename(file), rows, refused: bad.length, ...totals },
      });
  } finally {
    await ctx?.close();
  }
  out(
    dryRun
      ? `dry run: ${rows - bad.length} of ${rows} rows valid`
      : `imported ${given}: ${rows} rows; ${totals.suppressed} suppressed (${totals.created} of them new contacts), ` +
          `${totals.unchanged} already suppressed, ${totals.erased} erased addresses skipped`,
  );
  for (const b of bad.slice(0, 20)) out(`  line ${b.line}: ${b.error}`);
  if (bad.length > 20) out(`  … and ${bad.length - 20} more`);
  if (bad.length > 0) out(`${bad.length} row(s) refused${dryRun ? "" : "; the others were imported"}`);
  return bad.length > 0 ? EXIT.DATA : EXIT.OK;
}

/** RFC 4180: quoted when it holds a quote, a comma or a line break; quotes doubled. */
const cell = (value: string | null) =>
  value === null ? "" : /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;

export async function exportSuppressions(args: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parse(args);
  if (values.help) {
    out(SUPPRESSIONS_TRANSFER_HELP);
    return EXIT.OK;
  }
  if (positionals.length > 0)
    throw new CliError(`export takes no arguments (--out FILE)\n\n${SUPPRESSIONS_TRANSFER_HELP}`, EXIT.USAGE);
  const file = values.out ? createWriteStream(values.out, { mode: 0o600 }) : undefined;
  const write = file ? (line: string) => file.write(`${line}\n`) : out;
  const ctx = await openContext();
  let count = 0;
  try {
    write("email,user_id,reason,suppressed_at");
    for await (const page of suppressionsCursor(ctx.db.sql)) {
      for (const row of page) {
        write(
          [
            row.email,
            row.external_id,
            row.reason,
            row.suppressed_at ? new Date(row.suppressed_at).toISOString() : null,
          ]
            .map(cell)
            .join(","),
        );
        count++;
      }
    }
    await recordAudit(ctx.db.db, "system", {
      action: "suppressions.export",
      resourceType: "email_preferences",
      metadata: { count },
    });
  } finally {
    await ctx.close();
    if (file)
      await new Promise<void>((done, fail) => file.end((err?: Error | null) => (err ? fail(err) : done())));
  }
  if (file) out(`exported ${count} suppressed contact(s) to ${values.out}`);
  return EXIT.OK;
}
