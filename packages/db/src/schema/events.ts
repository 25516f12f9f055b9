import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
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
     * Delivery to Hatchet: `pending` until the engine accepted the push. Stored first, pushed
     * second, so an engine outage delays events instead of losing them; the redrive loop
     * pushes whatever stays pending.
     */
    pushState: text("push_state").$type<"pending" | "pushed">().notNull().default("pending"),
    pushAttempts: integer("push_attempts").notNull().default(0),
    pushedAt: timestamp("pushed_at", { withTimezone: true }),
    lastPushError: text("last_push_error"),
  },
  (t) => [
    // The database, not application code, guarantees a replay is stored once.
    uniqueIndex("user_events_tenant_idempotency_key").on(sql`coalesce(${t.tenantId}, '')`, t.idempotencyKey),
    index("user_events_user_key_occurred_at_idx").on(t.userKey, t.occurredAt),
    index("user_events_event_occurred_at_idx").on(t.event, t.occurredAt),
    index("user_events_occurred_at_idx").on(t.occurredAt),
    index("user_events_pending_push_idx").on(t.receivedAt).where(sql`${t.pushState} = 'pending'`),
  ],
);

export type UserEvent = typeof userEvents.$inferSelect;
export type NewUserEvent = typeof userEvents.$inferInsert;
