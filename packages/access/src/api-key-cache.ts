import type { Database } from "@hogsend/db";
import { type ApiKeyCheck, verifyApiKey } from "./api-keys.js";

/** How long a use of a key waits before its `last_used_at` is stamped again, per process. */
const TOUCH_EVERY_MS = 60_000;

export interface ApiKeyVerifier {
  /**
   * `verifyApiKey` with a short in-process cache of keys that verified: a request with a known
   * key costs no database round trip. Unknown, revoked and expired answers are never cached
   * (a flood of bad keys cannot fill memory); expiry is re-checked on every hit.
   */
  verify(secret: string, now?: Date): Promise<ApiKeyCheck>;
  /** Drops a key at once (a revoke in this process). Other processes drop it when its TTL ends. */
  forget(keyId: string): void;
  /** Whether this use should stamp `last_used_at`: at most once a minute per key per process. */
  touchDue(keyId: string, now?: number): boolean;
}

export interface ApiKeyVerifierOptions {
  /** How long a verified key is trusted without asking the database; 0 turns the cache off. */
  ttlMs: number;
  /** Most keys held; the oldest entry goes first (default 10,000). */
  maxEntries?: number;
}

/** Built once per process (`createHogsendClient`), so a local revoke reaches every request. */
export function createApiKeyVerifier(db: Database, options: ApiKeyVerifierOptions): ApiKeyVerifier {
  const maxEntries = options.maxEntries ?? 10_000;
  // secret → verified key; Map keeps insertion order, so the first entry is the oldest.
  const bySecret = new Map<string, { check: Extract<ApiKeyCheck, { ok: true }>; until: number }>();
  const lastTouch = new Map<string, number>();

  return {
    async verify(secret, now = new Date()) {
      const hit = bySecret.get(secret);
      if (hit && hit.until > now.getTime()) {
        const { expiresAt } = hit.check.key;
        if (!expiresAt || expiresAt > now) return hit.check;
        bySecret.delete(secret);
        return { ok: false, reason: "expired" };
      }
      bySecret.delete(secret);
      const check = await verifyApiKey(db, secret, now);
      if (check.ok && options.ttlMs > 0) {
        if (bySecret.size >= maxEntries) {
          const oldest = bySecret.keys().next().value;
          if (oldest !== undefined) bySecret.delete(oldest);
        }
        bySecret.set(secret, { check, until: now.getTime() + options.ttlMs });
      }
      return check;
    },
    forget(keyId) {
      for (const [secret, entry] of bySecret) if (entry.check.key.id === keyId) bySecret.delete(secret);
      lastTouch.delete(keyId);
    },
    touchDue(keyId, now = Date.now()) {
      const last = lastTouch.get(keyId);
      if (last !== undefined && now - last < TOUCH_EVERY_MS) return false;
      lastTouch.set(keyId, now);
      return true;
    },
  };
}
