import { createDb, type DbHandle } from "@hogsend/db";
import { createTestDatabase, type TestDatabase } from "@hogsend/devstack/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKeyVerifier } from "./api-key-cache.js";
import { createApiKey } from "./api-keys.js";

let database: TestDatabase;
let handle: DbHandle;

beforeAll(async () => {
  database = await createTestDatabase();
  handle = createDb(database.url, { max: 2 });
});
afterAll(async () => {
  await handle.close();
  await database.drop();
});

const mint = async (expiresAt?: Date) =>
  createApiKey(handle.db, { name: "cache test", scopes: ["ingest"], createdBy: "test", expiresAt });
const revokeInDatabase = (id: string) => handle.sql`update api_keys set revoked_at = now() where id = ${id}`;

describe("createApiKeyVerifier", () => {
  it("serves a verified key from memory until its TTL ends, and a local forget drops it at once", async () => {
    const verifier = createApiKeyVerifier(handle.db, { ttlMs: 60_000 });
    const { key, secret } = await mint();
    const t0 = new Date();
    expect((await verifier.verify(secret, t0)).ok).toBe(true);

    // Revoked by another replica: this one trusts its cache until the TTL ends.
    await revokeInDatabase(key.id);
    expect((await verifier.verify(secret, new Date(t0.getTime() + 1_000))).ok).toBe(true);
    expect(await verifier.verify(secret, new Date(t0.getTime() + 61_000))).toEqual({
      ok: false,
      reason: "revoked",
    });

    // Revoked here: refused on the next request.
    const other = await mint();
    expect((await verifier.verify(other.secret)).ok).toBe(true);
    await revokeInDatabase(other.key.id);
    verifier.forget(other.key.id);
    expect(await verifier.verify(other.secret)).toEqual({ ok: false, reason: "revoked" });
  });

  it("does not cache a lookup that was in flight when the key was revoked here", async () => {
    const verifier = createApiKeyVerifier(handle.db, { ttlMs: 60_000 });
    const { key, secret } = await mint();
    const inFlight = verifier.verify(secret); // reads the key while it is still live
    await revokeInDatabase(key.id);
    verifier.forget(key.id);
    await inFlight;
    expect(await verifier.verify(secret)).toEqual({ ok: false, reason: "revoked" });
  });

  it("asks the database every time with a TTL of 0", async () => {
    const verifier = createApiKeyVerifier(handle.db, { ttlMs: 0 });
    const { key, secret } = await mint();
    expect((await verifier.verify(secret)).ok).toBe(true);
    await revokeInDatabase(key.id);
    expect(await verifier.verify(secret)).toEqual({ ok: false, reason: "revoked" });
  });

  it("re-checks expiry on a cache hit, and never caches a refusal", async () => {
    const verifier = createApiKeyVerifier(handle.db, { ttlMs: 60_000 });
    const now = new Date();
    const { secret } = await mint(new Date(now.getTime() + 5_000));
    expect((await verifier.verify(secret, now)).ok).toBe(true);
    expect(await verifier.verify(secret, new Date(now.getTime() + 6_000))).toEqual({
      ok: false,
      reason: "expired",
    });

    expect(await verifier.verify("hsk_unknown")).toEqual({ ok: false, reason: "unknown" });
    const late = await mint();
    expect((await verifier.verify(late.secret)).ok).toBe(true);
  });

  it("keeps at most maxEntries keys, dropping the oldest", async () => {
    const verifier = createApiKeyVerifier(handle.db, { ttlMs: 60_000, maxEntries: 1 });
    const first = await mint();
    const second = await mint();
    await verifier.verify(first.secret);
    await verifier.verify(second.secret);
    await revokeInDatabase(first.key.id);
    // The first was evicted by the second, so it is read again and found revoked.
    expect(await verifier.verify(first.secret)).toEqual({ ok: false, reason: "revoked" });
  });

  it("lets a key's last-use stamp be written at most once a minute per process", () => {
    const verifier = createApiKeyVerifier(handle.db, { ttlMs: 60_000 });
    expect(verifier.touchDue("k1", 0)).toBe(true);
    expect(verifier.touchDue("k1", 59_000)).toBe(false);
    expect(verifier.touchDue("k2", 59_000)).toBe(true);
    expect(verifier.touchDue("k1", 60_000)).toBe(true);
  });
});
