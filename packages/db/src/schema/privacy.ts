import { sql } from "drizzle-orm";
import { pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { tenantId } from "./columns.js";

/**
 * Addresses of people whose data was erased, kept only as a SHA-256 of the lower-cased address:
 * enough to recognise the address again, so marketing mail does not reach it by accident (a
 * stale import, an event from another system), and nothing to read it back from.
 */
export const erasedAddresses = pgTable(
  "erased_addresses",
  {
    tenantId: tenantId(),
    /** `encode(sha256(convert_to(lower(email), 'UTF8')), 'hex')` (`ERASED_HASH_SQL`). */
    emailSha256: text("email_sha256").notNull(),
    erasedAt: timestamp("erased_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("erased_addresses_tenant_hash_key").on(sql`coalesce(${t.tenantId}, '')`, t.emailSha256),
  ],
);
