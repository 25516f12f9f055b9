import { text, timestamp } from "drizzle-orm/pg-core";

/**
 * Every domain table carries a nullable tenant column: single-tenant installs leave it
 * null, and nothing in the schema assumes there is only one tenant.
 */
export const tenantId = () => text("tenant_id");

export const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
export const updatedAt = () => timestamp("updated_at", { withTimezone: true }).notNull().defaultNow();
