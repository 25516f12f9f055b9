import { and, asc, eq, isNull, ne, sql } from "drizzle-orm";
import type { Queryable } from "../client.js";
import { contacts } from "../schema/contacts.js";
import { type EmailSend, emailLinks, emailSends } from "../schema/email.js";
import { type EmailPreferences, emailPreferences } from "../schema/preferences.js";

/** A tracked link with the send it belongs to, in one round trip: what a click needs. */
export async function emailLinkWithSend(
  db: Queryable,
  linkId: string,
): Promise<{ link: { id: string; url: string }; send: EmailSend } | undefined> {
  const [row] = await db
    .select({ linkId: emailLinks.id, url: emailLinks.url, send: emailSends })
    .from(emailLinks)
    .innerJoin(emailSends, eq(emailSends.id, emailLinks.sendId))
    .where(eq(emailLinks.id, linkId))
    .limit(1);
  return row ? { link: { id: row.linkId, url: row.url }, send: row.send } : undefined;
}

/**
 * A contact's preferences row, created with the defaults when missing and locked until the
 * transaction ends, so two concurrent changes (a one-click POST and a preference-centre save)
 * read-modify-write in turn instead of losing one. Undefined when the contact does not exist or
 * was deleted.
 * Call it inside a transaction.
 */
export async function lockEmailPreferences(
  tx: Queryable,
  contactId: string,
): Promise<EmailPreferences | undefined> {
  const [contact] = await tx
    .select({ id: contacts.id })
    .from(contacts)
    .where(and(eq(contacts.id, contactId), isNull(contacts.deletedAt)))
    .limit(1)
    .for("share");
  if (!contact) return undefined;
  await tx.insert(emailPreferences).values({ contactId }).onConflictDoNothing();
  const [row] = await tx
    .select()
    .from(emailPreferences)
    .where(eq(emailPreferences.contactId, contactId))
    .limit(1)
    .for("update");
  return row;
}

/**
 * The categories of mail a contact has been sent, transactional excluded, oldest first: what a
 * preference centre offers when the operator gave no list.
 */
export async function sentEmailCategories(db: Queryable, contactId: string): Promise<string[]> {
  const rows = await db
    .select({ category: emailSends.category })
    .from(emailSends)
    .where(and(eq(emailSends.contactId, contactId), ne(emailSends.category, "transactional")))
    .groupBy(emailSends.category)
    .orderBy(sql`min(${emailSends.createdAt})`, asc(emailSends.category));
  return rows.map((r) => r.category);
}
