import { boolean, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { tenantId, updatedAt } from "./columns.js";
import { contacts } from "./contacts.js";

/** A contact's email choices. No row means subscribed to everything. */
export const emailPreferences = pgTable("email_preferences", {
  contactId: uuid("contact_id")
    .primaryKey()
    .references(() => contacts.id, { onDelete: "cascade" }),
  tenantId: tenantId(),
  unsubscribedAll: boolean("unsubscribed_all").notNull().default(false),
  /** Categories the contact opted out of. */
  optedOutCategories: text("opted_out_categories").array().notNull().default([]),
  /** Bounced or complained: nothing but system mail may go out. */
  suppressed: boolean("suppressed").notNull().default(false),
  suppressedReason: text("suppressed_reason"),
  suppressedAt: timestamp("suppressed_at", { withTimezone: true }),
  /** Permanent bounces so far; at EMAIL_BOUNCE_SUPPRESS_THRESHOLD the contact is suppressed. */
  bounceCount: integer("bounce_count").notNull().default(0),
  metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
  updatedAt: updatedAt(),
});

export type EmailPreferences = typeof emailPreferences.$inferSelect;
