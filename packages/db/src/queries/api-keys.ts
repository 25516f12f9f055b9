import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Database } from "../client.js";
import { type ApiKey, type ApiKeyScope, apiKeys } from "../schema/api-keys.js";

export interface NewApiKeyRow {
  name: string;
  prefix: string;
  hash: string;
  scopes: ApiKeyScope[];
  createdBy: string;
  expiresAt?: Date | null;
}

export async function insertApiKey(db: Database, row: NewApiKeyRow): Promise<ApiKey> {
  const [created] = await db.insert(apiKeys).values(row).returning();
  if (!created) throw new Error("insert into api_keys returned no row");
  return created;
}

export async function findApiKeyByHash(db: Database, hash: string): Promise<ApiKey | undefined> {
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.hash, hash)).limit(1);
  return row;
}

export async function listApiKeys(db: Database, options: { includeRevoked: boolean }): Promise<ApiKey[]> {
  return db
    .select()
    .from(apiKeys)
    .where(options.includeRevoked ? undefined : isNull(apiKeys.revokedAt))
    .orderBy(desc(apiKeys.createdAt));
}

/** Revokes a live key; undefined when there is no such live key. */
export async function revokeApiKey(db: Database, id: string): Promise<ApiKey | undefined> {
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning();
  return row;
}

/** Throttled to once a minute per key so hot keys do not write on every request. */
export async function touchApiKey(db: Database, id: string): Promise<void> {
  await db
    .update(apiKeys)
    .set({ lastUsedAt: sql`now()` })
    .where(
      and(
        eq(apiKeys.id, id),
        sql`(${apiKeys.lastUsedAt} is null or ${apiKeys.lastUsedAt} < now() - interval '1 minute')`,
      ),
    );
}

export async function countApiKeys(db: Database): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(apiKeys);
  return row?.n ?? 0;
}
