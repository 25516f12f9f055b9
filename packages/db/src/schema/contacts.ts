import { sql } from "drizzle-orm";
import { index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, tenantId, updatedAt } from "./columns.js";

/** The people journeys run for. One live row per identity per tenant. */
export const contacts = pgTable(
  "contacts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: tenantId(),
    /** The product's own user id (PostHog distinct_id once identified). */
    externalId: text("external_id"),
    email: text("email"),
    anonymousId: text("anonymous_id"),
    properties: jsonb("properties").$type<Record<string, unknown>>().notNull().default({}),
    firstSeenAt: timestamp("first_seen_at", { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    /** Soft delete: the row stays for history, the identity is freed for a new contact. */
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
  },
  (t) => [
    // coalesce: a null tenant must still collide with itself (NULLs are distinct in indexes).
    uniqueIndex("contacts_tenant_external_id_key")
      .on(sql`coalesce(${t.tenantId}, '')`, t.externalId)
      .where(sql`${t.deletedAt} is null and ${t.externalId} is not null`),
    uniqueIndex("contacts_tenant_email_key")
      .on(sql`coalesce(${t.tenantId}, '')`, sql`lower(${t.email})`)
      .where(sql`${t.deletedAt} is null and ${t.email} is not null`),
    uniqueIndex("contacts_tenant_anonymous_id_key")
      .on(sql`coalesce(${t.tenantId}, '')`, t.anonymousId)
      .where(sql`${t.deletedAt} is null and ${t.anonymousId} is not null`),
    index("contacts_last_seen_at_idx").on(t.lastSeenAt),
    // The admin list's property filter (`properties @> {key: value}`): jsonb_path_ops serves
    // containment only, and is a third the size of the default GIN operator class.
    index("contacts_properties_idx").using("gin", t.properties.op("jsonb_path_ops")),
    // Not declared here: the search's trigram indexes on email and external_id (migration 0015).
    // They need the pg_trgm extension, which that migration installs only where it may, so they
    // cannot be part of the schema every database is held to.
  ],
);

export type Contact = typeof contacts.$inferSelect;
export type NewContact = typeof contacts.$inferInsert;
