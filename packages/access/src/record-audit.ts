import { type Database, insertAuditLog } from "@hogsend/db";
import type { Principal } from "./principal.js";

export interface AuditEntry {
  action: string;
  resourceType: string;
  resourceId?: string | null;
  ip?: string | null;
  /** Never secrets: callers pass names, scopes, ids. */
  metadata?: Record<string, unknown>;
}

/** Writes one audit row for an admin mutation, attributed to its principal. */
export async function recordAudit(
  db: Database,
  principal: Principal | "system",
  entry: AuditEntry,
): Promise<void> {
  const actor =
    principal === "system"
      ? { actorType: "system", actorId: null, apiKeyId: null }
      : principal.kind === "user"
        ? { actorType: "user", actorId: principal.userId, apiKeyId: null }
        : principal.kind === "api_key"
          ? { actorType: "api_key", actorId: principal.keyId, apiKeyId: principal.keyId }
          : { actorType: "admin_key", actorId: null, apiKeyId: null };
  await insertAuditLog(db, {
    ...actor,
    action: entry.action,
    resourceType: entry.resourceType,
    resourceId: entry.resourceId ?? null,
    ip: entry.ip ?? null,
    metadata: entry.metadata ?? {},
  });
}
