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
import { tenantId } from "./columns.js";
import { contacts } from "./contacts.js";

/** Every product event we accepted, stored once per idempotency key. */
export const userEvents = pgTable(
  "user_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: tenantId(),
    /** Canonical user key: what journeys and Hatchet event filters correlate on. */
    userKey: text("user_key").notNull(),
    contactId: uuid("contact_id").references(() => contacts.id, { onDelete: "set null" }),
    event: text("event").notNull(),
    properties: jsonb("properties").$type<Record<string, unknown>>().notNull().default({}),
    /** Where it came from: `api`, `webhook:posthog`, `email`, … */
    source: text("source").notNull().default("api"),
    idempotencyKey: text("idempotency_key").notNull(),
    occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull().defaultNow(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    /**
     * Whether the workflow engine gets this event, decided once when it is stored and never
     * rewritten: `queued` (a journey trigger or a live wait can consume it; an `event_outbox`
     * row carries it to Hatchet and is deleted once pushed) or `skipped` (stored only).
     */
    pushState: text("push_state").$type<"queued" | "skipped">().notNull().default("queued"),
  },
  (t) => [
    // The database, not application code, guarantees a replay is stored once.
    uniqueIndex("user_events_tenant_idempotency_key").on(sql`coalesce(${t.tenantId}, '')`, t.idempotencyKey),
    index("user_events_user_key_occurred_at_idx").on(t.userKey, t.occurredAt),
    index("user_events_event_occurred_at_idx").on(t.event, t.occurredAt),
    index("user_events_occurred_at_idx").on(t.occurredAt),
  ],
);

/**
 * Events on their way to Hatchet: a narrow queue beside the wide, heavily indexed event row, so
 * delivery bookkeeping never rewrites `user_events`. A row lives from the event's insert (same
 * statement) until its push is accepted; the pusher leases rows with `FOR UPDATE SKIP LOCKED`.
 */
export const eventOutbox = pgTable(
  "event_outbox",
  {
    eventId: uuid("event_id")
      .primaryKey()
      .references(() => userEvents.id, { onDelete: "cascade" }),
    attempts: integer("attempts").notNull().default(0),
    /** Due time; a claimed row is leased by pushing this into the future. */
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    lastError: text("last_error"),
    /** The last failure was the event's own fault (the engine refused it), not an outage. */
    lastErrorPermanent: boolean("last_error_permanent").notNull().default(false),
    /** Set when the engine refused this event on its own: it stops being retried. */
    parkedAt: timestamp("parked_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("event_outbox_due_idx").on(t.nextAttemptAt).where(sql`${t.parkedAt} is null`)],
);

export type UserEvent = typeof userEvents.$inferSelect;
export type NewUserEvent = typeof userEvents.$inferInsert;
