import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { type ApiKey, type ApiKeyScope, type Database, findApiKeyByHash, insertApiKey } from "@hogsend/db";

export const API_KEY_PREFIX = "hsk_";

export function hashApiKey(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** `hsk_` + 32 random bytes (base64url). The secret leaves this function once, to its creator. */
export function generateApiKeySecret(): { secret: string; prefix: string; hash: string } {
  const secret = `${API_KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
  return {
    secret,
    prefix: secret.slice(API_KEY_PREFIX.length, API_KEY_PREFIX.length + 8),
    hash: hashApiKey(secret),
  };
}

export interface CreatedApiKey {
  key: ApiKey;
  /** Shown once; only its hash is stored. */
  secret: string;
}

export async function createApiKey(
  db: Database,
  input: { name: string; scopes: ApiKeyScope[]; expiresAt?: Date | null; createdBy: string },
): Promise<CreatedApiKey> {
  const { secret, prefix, hash } = generateApiKeySecret();
  const key = await insertApiKey(db, { ...input, prefix, hash, scopes: [...new Set(input.scopes)] });
  return { key, secret };
}

export type ApiKeyCheck =
  | { ok: true; key: ApiKey }
  | { ok: false; reason: "unknown" | "revoked" | "expired" };

/** Looks a presented secret up by its hash; revoked and expired keys are refused. */
export async function verifyApiKey(db: Database, secret: string, now = new Date()): Promise<ApiKeyCheck> {
  if (!secret.startsWith(API_KEY_PREFIX)) return { ok: false, reason: "unknown" };
  const key = await findApiKeyByHash(db, hashApiKey(secret));
  if (!key) return { ok: false, reason: "unknown" };
  if (key.revokedAt) return { ok: false, reason: "revoked" };
  if (key.expiresAt && key.expiresAt <= now) return { ok: false, reason: "expired" };
  return { ok: true, key };
}

/** Constant-time comparison (of digests, so lengths never leak) for ADMIN_API_KEY. */
export function secretsEqual(presented: string, expected: string): boolean {
  const a = createHash("sha256").update(presented).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}
