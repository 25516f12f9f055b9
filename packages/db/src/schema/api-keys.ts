import { sql } from "drizzle-orm";
import { index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, tenantId } from "./columns.js";

/**
 * `ingest` stores events and contacts; `send` sends email through POST /v1/emails (any template,
 * to any address: a key to hand out more carefully); `read` reads admin data; `full-admin` all.
 */
export const API_KEY_SCOPES = ["ingest", "send", "read", "full-admin"] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** Machine credentials. Only a sha256 of the secret is stored, never the secret itself. */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: tenantId(),
    name: text("name").notNull(),
    /** First characters of the secret, to recognise a key in lists and logs. */
    prefix: text("prefix").notNull(),
    /** sha256 hex of the full secret. */
    hash: text("hash").notNull(),
    scopes: text("scopes").array().$type<ApiKeyScope[]>().notNull(),
    /** `user:<id>`, `api-key:<id>`, `admin-key` or `bootstrap`. */
    createdBy: text("created_by").notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("api_keys_hash_key").on(t.hash),
    index("api_keys_created_at_idx").on(t.createdAt),
    index("api_keys_live_idx").on(t.createdAt).where(sql`${t.revokedAt} is null`),
  ],
);

export type ApiKey = typeof apiKeys.$inferSelect;
