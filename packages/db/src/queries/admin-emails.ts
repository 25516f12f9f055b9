import { type AnyColumn, and, asc, desc, eq, gte, inArray, lt, type SQL, sql } from "drizzle-orm";
import type { Queryable } from "../client.js";
import { contacts } from "../schema/contacts.js";
import {
  type EmailEvent,
  type EmailSend,
  type EmailSendStatus,
  emailEvents,
  emailLinks,
  emailSends,
} from "../schema/email.js";
import { afterCursor, cursorText, type KeysetCursor, type Page, toPage } from "./pagination.js";

export interface ListEmailSendsOptions {
  limit: number;
  cursor?: KeysetCursor | undefined;
  status?: EmailSendStatus | undefined;
  template?: string | undefined;
  journeyId?: string | undefined;
  contactId?: string | undefined;
  /** The product's user id: sends to every contact that carries it, deleted contacts included. */
  userId?: string | undefined;
  /** created_at >= from */
  from?: Date | undefined;
  /** created_at < to */
  to?: Date | undefined;
}

const createdBetween = (from: Date | undefined, to: Date | undefined) => [
  from === undefined ? undefined : gte(emailSends.createdAt, from),
  to === undefined ? undefined : lt(emailSends.createdAt, to),
];

/** Sends, newest first, keyset-paginated on (created_at, id). */
export async function listEmailSends(
  db: Queryable,
  options: ListEmailSendsOptions,
): Promise<Page<EmailSend>> {
  const rows = await db
    .select({ row: emailSends, cursorAt: cursorText(emailSends.createdAt) })
    .from(emailSends)
    .where(
      and(
        options.status === undefined ? undefined : eq(emailSends.status, options.status),
        options.template === undefined ? undefined : eq(emailSends.template, options.template),
        options.journeyId === undefined ? undefined : eq(emailSends.journeyId, options.journeyId),
        options.contactId === undefined ? undefined : eq(emailSends.contactId, options.contactId),
        options.userId === undefined
          ? undefined
          : inArray(
              emailSends.contactId,
              db.select({ id: contacts.id }).from(contacts).where(eq(contacts.externalId, options.userId)),
            ),
        ...createdBetween(options.from, options.to),
        afterCursor(emailSends.createdAt, emailSends.id, options.cursor),
      ),
    )
    .orderBy(desc(emailSends.createdAt), desc(emailSends.id))
    .limit(options.limit + 1);
  return toPage(rows, options.limit);
}

export interface EmailLinkClicks {
  id: string;
  url: string;
  position: number;
  /** Clicks by people: every click, repeats included. */
  humanClicks: number;
  /** Clicks by link scanners and previewers (`is_bot`). */
  botClicks: number;
}

export interface EmailSendDetail {
  send: EmailSend;
  /** Its events, oldest first, at most `eventLimit`. */
  events: EmailEvent[];
  /** More events exist than `events` holds. */
  eventsTruncated: boolean;
  links: EmailLinkClicks[];
}

/** One send with what happened to it and its links' click counts; undefined when there is no such send. */
export async function emailSendDetail(
  db: Queryable,
  id: string,
  options: { eventLimit: number },
): Promise<EmailSendDetail | undefined> {
  const [send] = await db.select().from(emailSends).where(eq(emailSends.id, id)).limit(1);
  if (!send) return undefined;
  const clicks = (bot: boolean) =>
    sql<number>`(count(${emailEvents.id}) filter (where ${emailEvents.type} = 'clicked' and ${emailEvents.isBot} = ${bot}))::int`;
  const [events, links] = await Promise.all([
    db
      .select()
      .from(emailEvents)
      .where(eq(emailEvents.sendId, id))
      .orderBy(asc(emailEvents.occurredAt), asc(emailEvents.createdAt), asc(emailEvents.id))
      .limit(options.eventLimit + 1),
    db
      .select({
        id: emailLinks.id,
        url: emailLinks.url,
        position: emailLinks.position,
        humanClicks: clicks(false),
        botClicks: clicks(true),
      })
      .from(emailLinks)
      .leftJoin(emailEvents, eq(emailEvents.linkId, emailLinks.id))
      .where(eq(emailLinks.sendId, id))
      .groupBy(emailLinks.id)
      .orderBy(asc(emailLinks.position)),
  ]);
  return {
    send,
    events: events.slice(0, options.eventLimit),
    eventsTruncated: events.length > options.eventLimit,
    links,
  };
}

export type ContactSend = Pick<
  EmailSend,
  "id" | "template" | "subject" | "status" | "createdAt" | "sentAt" | "firstOpenedAt" | "firstClickedAt"
>;

/** A contact's latest sends, newest first: the summary its detail view shows. */
export async function listContactSends(
  db: Queryable,
  contactId: string,
  options: { limit: number },
): Promise<ContactSend[]> {
  return db
    .select({
      id: emailSends.id,
      template: emailSends.template,
      subject: emailSends.subject,
      status: emailSends.status,
      createdAt: emailSends.createdAt,
      sentAt: emailSends.sentAt,
      firstOpenedAt: emailSends.firstOpenedAt,
      firstClickedAt: emailSends.firstClickedAt,
    })
    .from(emailSends)
    .where(eq(emailSends.contactId, contactId))
    .orderBy(desc(emailSends.createdAt), desc(emailSends.id))
    .limit(options.limit);
}

/** Unique counts over a set of sends: each send counts once per outcome, however often it was opened. */
export interface EmailSendCounts {
  /** Every send recorded, whatever its state (queued and sending included). */
  total: number;
  /** Accepted by the provider (`sent_at` set). */
  sent: number;
  delivered: number;
  opened: number;
  clicked: number;
  bounced: number;
  complained: number;
  unsubscribed: number;
  /** Stopped before any provider call: preferences, suppression or a cap. */
  suppressed: number;
  failed: number;
}

export interface EmailMetrics {
  /** All matching sends together. */
  total: EmailSendCounts;
  /** One entry per template that has a matching send, by template key. */
  templates: (EmailSendCounts & { template: string })[];
  /** One entry per UTC day (of created_at) that has a matching send, oldest first, `YYYY-MM-DD`. */
  days: (EmailSendCounts & { day: string })[];
}

const zeroCounts = (): EmailSendCounts => ({
  total: 0,
  sent: 0,
  delivered: 0,
  opened: 0,
  clicked: 0,
  bounced: 0,
  complained: 0,
  unsubscribed: 0,
  suppressed: 0,
  failed: 0,
});

/**
 * Send outcomes per template, per UTC day and overall. One aggregate by (template, day), with
 * FILTER clauses, rolled up here: a few hundred groups, where GROUPING SETS sorted every send
 * (the planner could not tell how few days there are and would not hash). Migration 0016's
 * statistics on the day expression let it hash instead. Filters apply to the send's created_at
 * and journey.
 */
export async function emailMetrics(
  db: Queryable,
  options: { from?: Date | undefined; to?: Date | undefined; journeyId?: string | undefined },
): Promise<EmailMetrics> {
  const countWhere = (condition: SQL) => sql<number>`(count(*) filter (where ${condition}))::int`;
  // count(column) skips nulls with no expression per row: a fifth faster than a FILTER here.
  const countSet = (column: AnyColumn) => sql<number>`count(${column})::int`;
  // The same expression as the statistics of migration 0016, so the planner's estimate uses them.
  const dayStart = sql`date_trunc('day', ${emailSends.createdAt} at time zone 'UTC')`;
  const groups = await db
    .select({
      template: emailSends.template,
      day: sql<string>`to_char(${dayStart}, 'YYYY-MM-DD')`,
      total: sql<number>`count(*)::int`,
      sent: countSet(emailSends.sentAt),
      delivered: countSet(emailSends.deliveredAt),
      opened: countSet(emailSends.firstOpenedAt),
      clicked: countSet(emailSends.firstClickedAt),
      bounced: countSet(emailSends.bouncedAt),
      complained: countSet(emailSends.complainedAt),
      unsubscribed: countSet(emailSends.unsubscribedAt),
      suppressed: countWhere(sql`${emailSends.status} = 'suppressed'`),
      failed: countWhere(sql`${emailSends.status} = 'failed'`),
    })
    .from(emailSends)
    .where(
      and(
        options.journeyId === undefined ? undefined : eq(emailSends.journeyId, options.journeyId),
        ...createdBetween(options.from, options.to),
      ),
    )
    .groupBy(emailSends.template, dayStart);
  const total = zeroCounts();
  const byTemplate = new Map<string, EmailSendCounts>();
  const byDay = new Map<string, EmailSendCounts>();
  for (const { template, day, ...counts } of groups) {
    addCounts(total, counts);
    addCounts(getOrZero(byTemplate, template), counts);
    addCounts(getOrZero(byDay, day), counts);
  }
  const sortedKeys = <V>(map: Map<string, V>) => [...map.keys()].sort();
  return {
    total,
    templates: sortedKeys(byTemplate).map((template) => ({
      template,
      ...(byTemplate.get(template) as EmailSendCounts),
    })),
    days: sortedKeys(byDay).map((day) => ({ day, ...(byDay.get(day) as EmailSendCounts) })),
  };
}

function getOrZero(map: Map<string, EmailSendCounts>, key: string): EmailSendCounts {
  const found = map.get(key);
  if (found) return found;
  const counts = zeroCounts();
  map.set(key, counts);
  return counts;
}

function addCounts(into: EmailSendCounts, counts: EmailSendCounts): void {
  for (const key of Object.keys(into) as (keyof EmailSendCounts)[]) into[key] += Number(counts[key]);
}
