import { and, desc, eq, gte, lt } from "drizzle-orm";
import type { Database } from "../client.js";
import { type AuditLog, auditLogs } from "../schema/audit.js";

export type NewAuditLog = typeof auditLogs.$inferInsert;

export async function insertAuditLog(db: Database, row: NewAuditLog): Promise<void> {
  await db.insert(auditLogs).values(row);
}

export interface AuditPage {
  items: AuditLog[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** Newest first, keyset-paginated on the insertion sequence so pages stay stable under inserts. */
/** Exact matches, all optional and combined with AND; `from` inclusive, `to` exclusive. */
export interface AuditLogFilter {
  actorType?: string | undefined;
  actorId?: string | undefined;
  action?: string | undefined;
  resourceType?: string | undefined;
  resourceId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

export async function listAuditLogs(
  db: Database,
  options: { limit: number; cursor?: string | undefined } & AuditLogFilter,
): Promise<AuditPage> {
  const before = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
  const equal = <T>(column: Parameters<typeof eq>[0], value: T | undefined) =>
    value === undefined ? undefined : eq(column, value);
  const rows = await db
    .select()
    .from(auditLogs)
    .where(
      and(
        before === undefined ? undefined : lt(auditLogs.seq, before),
        equal(auditLogs.actorType, options.actorType),
        equal(auditLogs.actorId, options.actorId),
        equal(auditLogs.action, options.action),
        equal(auditLogs.resourceType, options.resourceType),
        equal(auditLogs.resourceId, options.resourceId),
        options.from === undefined ? undefined : gte(auditLogs.createdAt, options.from),
        options.to === undefined ? undefined : lt(auditLogs.createdAt, options.to),
      ),
    )
    .orderBy(desc(auditLogs.seq))
    .limit(options.limit + 1);
  const items = rows.slice(0, options.limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > options.limit && last ? encodeCursor(last.seq) : null };
}

export class InvalidCursorError extends Error {
  constructor() {
    super("cursor is not one this API returned");
    this.name = "InvalidCursorError";
  }
}

function encodeCursor(seq: number): string {
  return Buffer.from(`s:${seq}`).toString("base64url");
}

function decodeCursor(cursor: string): number {
  const match = /^s:(\d{1,18})$/.exec(Buffer.from(cursor, "base64url").toString());
  if (!match?.[1]) throw new InvalidCursorError();
  return Number(match[1]);
}
