import { bigserial, index, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, tenantId } from "./columns.js";

/** One row per admin mutation: who did what to which resource, from where. Never secrets. */
export const auditLogs = pgTable(
  "audit_logs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Insertion order: the stable key for pagination (timestamps can tie). */
    seq: bigserial("seq", { mode: "number" }).notNull(),
    tenantId: tenantId(),
    /** `user`, `api_key`, `admin_key` or `system`. */
    actorType: text("actor_type").notNull(),
    /** User id or API key id; null for the env admin key and the system. */
    actorId: text("actor_id"),
    apiKeyId: uuid("api_key_id"),
    action: text("action").notNull(),
    resourceType: text("resource_type").notNull(),
    resourceId: text("resource_id"),
    ip: text("ip"),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("audit_logs_seq_key").on(t.seq),
    index("audit_logs_created_at_idx").on(t.createdAt),
    // The audit log's filters, each ending in seq: newest first is then an index walk that stops
    // at the page's end, not a scan of every entry for the few that match (pnpm bench:studio).
    index("audit_logs_action_seq_idx").on(t.action, t.seq),
    index("audit_logs_resource_seq_idx").on(t.resourceType, t.resourceId, t.seq),
    index("audit_logs_actor_seq_idx").on(t.actorType, t.actorId, t.seq),
  ],
);

export type AuditLog = typeof auditLogs.$inferSelect;
