import { jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Client track example: operator-owned tables live here and migrate after the
 * engine track (so they may reference engine tables). Replace or extend freely.
 */
export const appSettings = pgTable("app_settings", {
  key: text("key").primaryKey(),
  value: jsonb("value").$type<unknown>().notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
