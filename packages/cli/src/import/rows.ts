/**
 * An import file's rows as contacts: CSV (a header row) or JSON Lines, streamed, each row with
 * its line number. Identity columns are recognised by name; every other column is a property.
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { findUnstorable } from "@hogsend/engine";
import { parse } from "csv-parse";

export interface ImportRow {
  line: number;
  userId: string | undefined;
  email: string | undefined;
  properties: Record<string, unknown>;
}

export type RowResult = { ok: true; row: ImportRow } | { ok: false; line: number; error: string };

const USER_ID = new Set(["user_id", "userid", "external_id", "externalid", "distinct_id"]);
const EMAIL = new Set(["email", "email_address", "e-mail"]);
export const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A parsed record as a contact row, or why it cannot be one. */
export function toRow(line: number, record: Record<string, unknown>): RowResult {
  let userId: string | undefined;
  let email: string | undefined;
  const properties: Record<string, unknown> = {};
  for (const [column, raw] of Object.entries(record)) {
    const key = column.trim().toLowerCase();
    const value = typeof raw === "string" ? raw.trim() : raw;
    if (value === "" || value === null || value === undefined) continue;
    if (USER_ID.has(key)) userId = String(value);
    else if (EMAIL.has(key)) email = String(value);
    else properties[column.trim()] = value;
  }
  if (!userId && !email) return { ok: false, line, error: "no user id or email column has a value" };
  if (email && !EMAIL_SHAPE.test(email))
    return { ok: false, line, error: `email ${JSON.stringify(email)} is not an address` };
  if (userId && userId.length > 255) return { ok: false, line, error: "user id over 255 characters" };
  // What the api refuses, the import refuses: NUL, lone surrogates, too deep, too long.
  const unstorable = findUnstorable({ userId, email, properties });
  if (unstorable) return { ok: false, line, error: `${unstorable.field}: ${unstorable.message}` };
  return { ok: true, row: { line, userId, email, properties } };
}

/** Reads `file` as contact rows, with the bytes read so far for progress. */
export async function* readRows(file: string, progress: { bytes: number }): AsyncGenerator<RowResult> {
  for await (const read of readRecords(file, progress)) yield read.ok ? toRow(read.line, read.record) : read;
}

export type RecordResult =
  | { ok: true; line: number; record: Record<string, unknown> }
  | { ok: false; line: number; error: string };

/**
 * Reads `file` (`.csv` with a header row, or `.jsonl`/`.ndjson`) record by record, streamed, each
 * with its line number, counting the bytes read so far into `progress`.
 */
export async function* readRecords(file: string, progress: { bytes: number }): AsyncGenerator<RecordResult> {
  const stream = createReadStream(file);
  stream.on("data", (chunk) => {
    progress.bytes += chunk.length;
  });
  if (/\.(jsonl|ndjson)$/i.test(file)) {
    let line = 0;
    for await (const text of createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY })) {
      line++;
      if (text.trim() === "") continue;
      let record: unknown;
      try {
        record = JSON.parse(text);
      } catch (err) {
        yield { ok: false, line, error: `not JSON: ${(err as Error).message}` };
        continue;
      }
      if (typeof record !== "object" || record === null || Array.isArray(record)) {
        yield { ok: false, line, error: "not a JSON object" };
        continue;
      }
      yield { ok: true, line, record: record as Record<string, unknown> };
    }
    return;
  }
  const parser = stream.pipe(
    parse({ columns: true, bom: true, skip_empty_lines: true, relax_column_count: true, info: true }),
  );
  for await (const { record, info } of parser as AsyncIterable<{
    record: Record<string, string>;
    info: { lines: number };
  }>) {
    yield { ok: true, line: info.lines, record };
  }
}
