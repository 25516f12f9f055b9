import type { Database } from "@hogsend/db";
import { type ApiKeyCheck, hashApiKey, verifyApiKey } from "./api-keys.js";

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
  // sha256 of the secret → verified key (no plaintext secret is kept); Map keeps insertion
  // order, so the first entry is the oldest.
  const byHash = new Map<string, { check: Extract<ApiKeyCheck, { ok: true }>; until: number }>();
  const lastTouch = new Map<string, number>();
  // Bumped by every forget: a lookup that started before a revoke must not cache what it read.
  let generation = 0;

  return {
    async verify(secret, now = new Date()) {
      const hash = hashApiKey(secret);
      const hit = byHash.get(hash);
      if (hit && hit.until > now.getTime()) {
        const { expiresAt } = hit.check.key;
        if (!expiresAt || expiresAt > now) return hit.check;
        byHash.delete(hash);
        return { ok: false, reason: "expired" };
      }
      byHash.delete(hash);
      const startedAt = generation;
      const check = await verifyApiKey(db, secret, now);
      if (check.ok && options.ttlMs > 0 && generation === startedAt) {
        if (byHash.size >= maxEntries) {
          const oldest = byHash.keys().next().value;
          if (oldest !== undefined) byHash.delete(oldest);
        }
        byHash.set(hash, { check, until: now.getTime() + options.ttlMs });
      }
      return check;
    },
    forget(keyId) {
      generation++;
      for (const [hash, entry] of byHash) if (entry.check.key.id === keyId) byHash.delete(hash);
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
