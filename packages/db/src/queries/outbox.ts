import { desc, eq } from "drizzle-orm";
import type { Queryable } from "../client.js";
import { emailSends, type OutboxMessage, outboxMessages } from "../schema/email.js";
import { afterCursor, cursorText, type KeysetCursor, type Page, toPage } from "./pagination.js";

/** An outbox message as the dev list shows it: no bodies, plus the template of its send. */
export interface OutboxSummary {
  id: string;
  sendId: string | null;
  from: string;
  to: string;
  subject: string;
  /** Null when the message was stored without a send (a direct provider call). */
  template: string | null;
  createdAt: Date;
}

const summaryColumns = {
  id: outboxMessages.id,
  sendId: outboxMessages.sendId,
  from: outboxMessages.from,
  to: outboxMessages.to,
  subject: outboxMessages.subject,
  template: emailSends.template,
  createdAt: outboxMessages.createdAt,
};

/** Mail the dev outbox kept, newest first, keyset-paginated on (created_at, id). */
export async function listOutboxMessages(
  db: Queryable,
  options: { limit: number; cursor?: KeysetCursor | undefined },
): Promise<Page<OutboxSummary>> {
  const rows = await db
    .select({ row: summaryColumns, cursorAt: cursorText(outboxMessages.createdAt) })
    .from(outboxMessages)
    .leftJoin(emailSends, eq(emailSends.id, outboxMessages.sendId))
    .where(afterCursor(outboxMessages.createdAt, outboxMessages.id, options.cursor))
    .orderBy(desc(outboxMessages.createdAt), desc(outboxMessages.id))
    .limit(options.limit + 1);
  return toPage(rows, options.limit);
}

/** One outbox message with its bodies and headers, and the template of its send. */
export async function outboxMessageById(
  db: Queryable,
  id: string,
): Promise<(OutboxMessage & { template: string | null }) | undefined> {
  const [row] = await db
    .select({ message: outboxMessages, template: emailSends.template })
    .from(outboxMessages)
    .leftJoin(emailSends, eq(emailSends.id, outboxMessages.sendId))
    .where(eq(outboxMessages.id, id))
    .limit(1);
  return row ? { ...row.message, template: row.template } : undefined;
}
