import { sql } from "drizzle-orm";
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { createdAt, tenantId, updatedAt } from "./columns.js";
import { contacts } from "./contacts.js";
import { journeyStates } from "./journeys.js";

export const EMAIL_SEND_STATUSES = ["queued", "sending", "sent", "failed", "suppressed"] as const;
export type EmailSendStatus = (typeof EMAIL_SEND_STATUSES)[number];

/**
 * One email we decided to send, keyed by its idempotency key: the same key is the same send, so a
 * replayed journey step or a retried API call finds this row instead of mailing twice.
 *
 * `queued` → `sending` (claimed, about to call the provider) → `sent` | `failed`; or `suppressed`
 * when preferences, suppression or a cap stopped it before any provider call. Engagement lands in
 * the `*_at` columns with first-claim updates, so a redelivered webhook never counts twice.
 */
export const emailSends = pgTable(
  "email_sends",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: tenantId(),
    idempotencyKey: text("idempotency_key").notNull(),
    contactId: uuid("contact_id").references(() => contacts.id, { onDelete: "set null" }),
    toEmail: text("to_email").notNull(),
    template: text("template").notNull(),
    category: text("category").notNull(),
    subject: text("subject").notNull(),
    /** Template props as given: what a redrive renders again after a crash. */
    props: jsonb("props").$type<Record<string, unknown>>().notNull().default({}),
    journeyId: text("journey_id"),
    journeyStateId: uuid("journey_state_id").references(() => journeyStates.id, { onDelete: "set null" }),
    status: text("status").$type<EmailSendStatus>().notNull().default("queued"),
    /** Why it was suppressed or failed. */
    reason: text("reason"),
    provider: text("provider"),
    providerMessageId: text("provider_message_id"),
    attempts: integer("attempts").notNull().default(0),
    /** When a `queued` send is due: now on enqueue, later after a retryable failure (backoff, `Retry-After`). */
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    claimedAt: timestamp("claimed_at", { withTimezone: true }),
    /**
     * The dispatcher process that claimed it. That process holds a session advisory lock on this
     * id (`claim-owner.ts`) for as long as it lives: once the lock is free, the process is gone and
     * its claims are taken over at once, not after the stale-claim timeout.
     */
    claimedBy: uuid("claimed_by"),
    /**
     * The dispatch batch that claimed it, and its place there: a worker that dies mid-batch leaves
     * the batch to be sent again as it was (same sends, same order, same bodies), which is what
     * lets the provider's batch idempotency key answer with the first result instead of mailing twice.
     */
    batchId: uuid("batch_id"),
    batchPosition: integer("batch_position"),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    failedAt: timestamp("failed_at", { withTimezone: true }),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
    firstOpenedAt: timestamp("first_opened_at", { withTimezone: true }),
    firstClickedAt: timestamp("first_clicked_at", { withTimezone: true }),
    bouncedAt: timestamp("bounced_at", { withTimezone: true }),
    complainedAt: timestamp("complained_at", { withTimezone: true }),
    unsubscribedAt: timestamp("unsubscribed_at", { withTimezone: true }),
    openCount: integer("open_count").notNull().default(0),
    clickCount: integer("click_count").notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("email_sends_tenant_idempotency_key").on(sql`coalesce(${t.tenantId}, '')`, t.idempotencyKey),
    uniqueIndex("email_sends_provider_message_key")
      .on(t.provider, t.providerMessageId)
      .where(sql`${t.providerMessageId} is not null`),
    index("email_sends_contact_created_idx").on(t.contactId, t.createdAt),
    // Settled sends by status, for the admin's filters. Queued and in-flight sends have the queue's
    // own indexes below: kept out of this one, a claim's plan cannot walk it (its 'queued' entries
    // outlive the rows' moves until vacuum) and the queued → sending move writes one index less.
    index("email_sends_status_created_idx")
      .on(t.status, t.createdAt)
      .where(sql`${t.status} not in ('queued', 'sending')`),
    // The dispatcher's queue: due sends, oldest due first (the claim's order, so no sort); and
    // claims a crashed worker left behind.
    index("email_sends_due_idx").on(t.nextAttemptAt, t.id).where(sql`${t.status} = 'queued'`),
    index("email_sends_claimed_idx").on(t.claimedAt).where(sql`${t.status} = 'sending'`),
    index("email_sends_batch_idx").on(t.batchId).where(sql`${t.status} = 'sending'`),
    // The frequency cap's count at dispatch: a contact's sends out since a time. Its own partial
    // index, so the planner cannot pick (status, created_at) and walk every sent row, as it did
    // while the table's statistics still described it empty.
    index("email_sends_contact_sent_idx").on(t.contactId, t.sentAt).where(sql`${t.status} = 'sent'`),
    index("email_sends_template_created_idx").on(t.template, t.createdAt),
    // The admin list unfiltered, newest first, keyset-paged on (created_at, id): without it every
    // page sorts the whole table (94 ms at 200,000 sends in pnpm bench:studio).
    index("email_sends_created_idx").on(t.createdAt, t.id),
    index("email_sends_journey_idx").on(t.journeyId, t.createdAt),
  ],
);

/** The links of a sent email, rewritten to `/v1/t/c/:id`: the id is all a click carries. */
export const emailLinks = pgTable(
  "email_links",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    sendId: uuid("send_id")
      .notNull()
      .references(() => emailSends.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    position: integer("position").notNull(),
  },
  (t) => [uniqueIndex("email_links_send_position_key").on(t.sendId, t.position)],
);

export const EMAIL_EVENT_TYPES = [
  "sent",
  "delivered",
  "delivery_delayed",
  "opened",
  "clicked",
  "bounced",
  "complained",
  "unsubscribed",
] as const;
export type EmailEventType = (typeof EMAIL_EVENT_TYPES)[number];

/**
 * Everything that happened to a send after it left: provider webhooks, opens, clicks. The dedupe
 * key (provider delivery id, or a per-request id for opens and clicks) makes a redelivery a no-op.
 */
export const emailEvents = pgTable(
  "email_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: tenantId(),
    sendId: uuid("send_id")
      .notNull()
      .references(() => emailSends.id, { onDelete: "cascade" }),
    type: text("type").$type<EmailEventType>().notNull(),
    dedupeKey: text("dedupe_key").notNull(),
    linkId: uuid("link_id").references(() => emailLinks.id, { onDelete: "set null" }),
    url: text("url"),
    userAgent: text("user_agent"),
    /** Link-preview and security scanners: recorded, never ingested as engagement. */
    isBot: boolean("is_bot").notNull().default(false),
    data: jsonb("data").$type<Record<string, unknown>>().notNull().default({}),
    occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull().defaultNow(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("email_events_dedupe_key").on(sql`coalesce(${t.tenantId}, '')`, t.dedupeKey),
    index("email_events_send_idx").on(t.sendId, t.occurredAt),
  ],
);

/** Rendered mail kept by the dev `outbox` provider instead of sending it. */
export const outboxMessages = pgTable("outbox_messages", {
  id: uuid("id").primaryKey().defaultRandom(),
  sendId: uuid("send_id").references(() => emailSends.id, { onDelete: "cascade" }),
  from: text("from").notNull(),
  to: text("to").notNull(),
  subject: text("subject").notNull(),
  html: text("html").notNull(),
  text: text("text").notNull(),
  headers: jsonb("headers").$type<Record<string, string>>().notNull().default({}),
  createdAt: createdAt(),
});

export type EmailSend = typeof emailSends.$inferSelect;
export type NewEmailSend = typeof emailSends.$inferInsert;
export type EmailEvent = typeof emailEvents.$inferSelect;
export type OutboxMessage = typeof outboxMessages.$inferSelect;
