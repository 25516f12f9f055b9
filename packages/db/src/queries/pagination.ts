import { type SQL, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { InvalidCursorError } from "./audit-logs.js";

/**
 * A position in a list ordered by (timestamp desc, id desc). The timestamp is Postgres's own
 * text form, so microseconds survive the round trip and no row is skipped between pages.
 */
export interface KeysetCursor {
  at: string;
  id: string;
}

export interface Page<T> {
  items: T[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2}){0,2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeKeysetCursor(cursor: KeysetCursor): string {
  return Buffer.from(`k:${cursor.at}|${cursor.id}`).toString("base64url");
}

/** Throws InvalidCursorError for anything this API did not hand out. */
export function decodeKeysetCursor(cursor: string): KeysetCursor {
  const match = /^k:([^|]+)\|(.+)$/.exec(Buffer.from(cursor, "base64url").toString());
  const at = match?.[1];
  const id = match?.[2];
  if (!at || !id || !TIMESTAMP.test(at) || !UUID.test(id)) throw new InvalidCursorError();
  return { at, id };
}

/** Rows after the cursor in (at desc, id desc) order. */
export function afterCursor(
  at: AnyPgColumn,
  id: AnyPgColumn,
  cursor: KeysetCursor | undefined,
): SQL | undefined {
  return cursor ? sql`(${at}, ${id}) < (${cursor.at}::timestamptz, ${cursor.id}::uuid)` : undefined;
}

/** The cursor column as Postgres text, selected next to each row to build the next cursor. */
export const cursorText = (at: AnyPgColumn) => sql<string>`${at}::text`;

/** Cuts a `limit + 1` fetch to a page and derives the next cursor from its last row. */
export function toPage<T extends { id: string }>(
  rows: { row: T; cursorAt: string }[],
  limit: number,
): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map((r) => r.row),
    nextCursor:
      rows.length > limit && last ? encodeKeysetCursor({ at: last.cursorAt, id: last.row.id }) : null,
  };
}
