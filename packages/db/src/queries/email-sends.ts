import { and, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { Queryable } from "../client.js";
import {
  type EmailEventType,
  type EmailSend,
  emailEvents,
  emailLinks,
  emailSends,
  type NewEmailSend,
} from "../schema/email.js";

/**
 * Records a send once per idempotency key. `created` says whether this call made the row; when it
 * did not, the row is the earlier send with that key, whatever its state.
 */
export async function insertEmailSendOnce(
  db: Queryable,
  row: NewEmailSend,
): Promise<{ send: EmailSend; created: boolean }> {
  const [created] = await db.insert(emailSends).values(row).onConflictDoNothing().returning();
  if (created) return { send: created, created: true };
  const existing = await emailSendByIdempotencyKey(db, row.idempotencyKey, row.tenantId ?? null);
  if (!existing) throw new Error(`email send ${row.idempotencyKey} conflicted but could not be read back`);
  return { send: existing, created: false };
}

/** The send recorded under an idempotency key (tenant-less sends: the tenant column is null). */
export async function emailSendByIdempotencyKey(
  db: Queryable,
  idempotencyKey: string,
  tenantId: string | null = null,
): Promise<EmailSend | undefined> {
  const [row] = await db
    .select()
    .from(emailSends)
    .where(
      and(
        // The unique index is on (coalesce(tenant_id, ''), idempotency_key): match its expression,
        // or every enqueue scans the whole table (measured: 2 ms at 9k sends, growing).
        sql`coalesce(${emailSends.tenantId}, '') = ${tenantId ?? ""}`,
        eq(emailSends.idempotencyKey, idempotencyKey),
      ),
    )
    .limit(1);
  return row;
}

export async function emailSendById(db: Queryable, id: string): Promise<EmailSend | undefined> {
  const [row] = await db.select().from(emailSends).where(eq(emailSends.id, id)).limit(1);
  return row;
}

/**
 * Claims a send for one provider call: only a `queued` send, or one whose claim went stale (its
 * process died mid-call), can be claimed. Exactly one caller wins; the rest get undefined.
 */
export async function claimEmailSend(
  db: Queryable,
  id: string,
  staleAfterMs: number,
): Promise<EmailSend | undefined> {
  const [row] = await db
    .update(emailSends)
    .set({
      status: "sending",
      claimedAt: sql`now()`,
      attempts: sql`${emailSends.attempts} + 1`,
      updatedAt: sql`now()`,
    })
    .where(
      and(
        eq(emailSends.id, id),
        or(
          eq(emailSends.status, "queued"),
          and(
            eq(emailSends.status, "sending"),
            lt(emailSends.claimedAt, sql`now() - make_interval(secs => ${staleAfterMs / 1000})`),
          ),
        ),
      ),
    )
    .returning();
  return row;
}

export async function markEmailSent(
  db: Queryable,
  id: string,
  sent: { provider: string; providerMessageId: string },
): Promise<EmailSend | undefined> {
  const [row] = await db
    .update(emailSends)
    .set({ status: "sent", ...sent, reason: null, sentAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(emailSends.id, id), eq(emailSends.status, "sending")))
    .returning();
  return row;
}

export async function markEmailFailed(
  db: Queryable,
  id: string,
  provider: string,
  reason: string,
): Promise<void> {
  await db
    .update(emailSends)
    .set({ status: "failed", provider, reason, failedAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(emailSends.id, id), inArray(emailSends.status, ["queued", "sending"])));
}

/** Stores the rewritten links of a send; a re-render of the same send gets the same ids back. */
export async function upsertEmailLinks(
  db: Queryable,
  sendId: string,
  urls: string[],
): Promise<{ id: string; position: number }[]> {
  if (urls.length === 0) return [];
  return db
    .insert(emailLinks)
    .values(urls.map((url, position) => ({ sendId, url, position })))
    .onConflictDoUpdate({
      target: [emailLinks.sendId, emailLinks.position],
      set: { url: sql`excluded.url` },
    })
    .returning({ id: emailLinks.id, position: emailLinks.position });
}

/** Records one email event; false when its dedupe key was seen before (a redelivery). */
export async function insertEmailEventOnce(
  db: Queryable,
  event: {
    sendId: string;
    type: EmailEventType;
    dedupeKey: string;
    occurredAt?: Date;
    linkId?: string | null;
    url?: string | null;
    userAgent?: string | null;
    isBot?: boolean;
    data?: Record<string, unknown>;
    tenantId?: string | null;
  },
): Promise<boolean> {
  const inserted = await db
    .insert(emailEvents)
    .values(event)
    .onConflictDoNothing()
    .returning({ id: emailEvents.id });
  return inserted.length > 0;
}

export async function emailSendByProviderMessageId(
  db: Queryable,
  provider: string,
  providerMessageId: string,
): Promise<EmailSend | undefined> {
  const [row] = await db
    .select()
    .from(emailSends)
    .where(and(eq(emailSends.provider, provider), eq(emailSends.providerMessageId, providerMessageId)))
    .limit(1);
  return row;
}

const FIRST_CLAIM_COLUMN = {
  delivered: emailSends.deliveredAt,
  opened: emailSends.firstOpenedAt,
  clicked: emailSends.firstClickedAt,
  bounced: emailSends.bouncedAt,
  complained: emailSends.complainedAt,
  unsubscribed: emailSends.unsubscribedAt,
} as const;
const FIRST_CLAIM_FIELD = {
  delivered: "deliveredAt",
  opened: "firstOpenedAt",
  clicked: "firstClickedAt",
  bounced: "bouncedAt",
  complained: "complainedAt",
  unsubscribed: "unsubscribedAt",
} as const;

/**
 * Stamps the first occurrence of an engagement on a send (first open, first click, delivery…) and
 * counts opens and clicks. Returns whether this call was the first: the caller emits events only
 * then, so a repeat open or a redelivered webhook never counts twice.
 */
export async function recordEngagement(
  db: Queryable,
  sendId: string,
  kind: keyof typeof FIRST_CLAIM_COLUMN,
  at: Date,
): Promise<{ first: boolean }> {
  const column = FIRST_CLAIM_COLUMN[kind];
  const claimed = await db
    .update(emailSends)
    .set({ [FIRST_CLAIM_FIELD[kind]]: at, updatedAt: sql`now()` })
    .where(and(eq(emailSends.id, sendId), isNull(column)))
    .returning({ id: emailSends.id });
  if (kind === "opened" || kind === "clicked") {
    const counter = kind === "opened" ? emailSends.openCount : emailSends.clickCount;
    await db
      .update(emailSends)
      .set({ [kind === "opened" ? "openCount" : "clickCount"]: sql`${counter} + 1` })
      .where(eq(emailSends.id, sendId));
  }
  return { first: claimed.length > 0 };
}
