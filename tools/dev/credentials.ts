import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import {
  type Auth,
  createApiKey,
  createAuth,
  createStudioAdmin,
  generatePassword,
  recordAudit,
  verifyApiKey,
} from "@hogsend/access";
import { createDb, type Database } from "@hogsend/db";
import { type DevPaths, readTrimmed, writePrivate } from "./state.js";

export const DEV_ADMIN_EMAIL = "admin@hogsend.localhost";

export interface DevAdmin {
  email: string;
  /** Undefined when the stored one no longer signs in (changed, or minted elsewhere). */
  password: string | undefined;
  created: boolean;
}

export interface DevCredentials {
  /** Undefined when STUDIO_ADMIN_EMAIL is set: the api mints that admin itself. */
  admin: DevAdmin | undefined;
  ingestKey: string;
  ingestKeyCreated: boolean;
}

/**
 * The dev Studio admin and ingest key, kept in `.hogsend/dev/` (0600) and re-used across
 * restarts while they still work, minted otherwise. Talks to the database directly, before the
 * api starts, so the api's own first-boot key is never minted next to it.
 *
 * @public imported lazily by tools/dev.ts
 */
export async function ensureDevCredentials(input: {
  databaseUrl: string;
  secret: string;
  paths: DevPaths;
  mintAdmin: boolean;
}): Promise<DevCredentials> {
  const db = createDb(input.databaseUrl, { max: 2, applicationName: "hogsend-dev" });
  try {
    const auth = createAuth({
      db: db.db,
      secret: input.secret,
      baseURL: "http://localhost",
      trustedOrigins: [],
      secureCookies: false,
    });
    const admin = input.mintAdmin ? await ensureDevAdmin(db.db, auth, input.paths.admin) : undefined;
    const key = await ensureDevIngestKey(db.db, input.paths.ingestKey);
    return { admin, ingestKey: key.secret, ingestKeyCreated: key.created };
  } finally {
    await db.close();
  }
}

async function ensureDevAdmin(db: Database, auth: Auth, path: string): Promise<DevAdmin> {
  const stored = existsSync(path)
    ? (JSON.parse(await readFile(path, "utf8")) as { email: string; password: string })
    : undefined;
  const email = stored?.email ?? DEV_ADMIN_EMAIL;
  const ctx = await auth.$context;
  const found = await ctx.internalAdapter.findUserByEmail(email, { includeAccounts: true });
  if (!found) {
    const password = stored?.password ?? generatePassword();
    // Stored first: a crash between the two steps must not lose the only copy of the password.
    await writePrivate(path, `${JSON.stringify({ email, password }, null, 2)}\n`);
    const admin = await createStudioAdmin(auth, { email, password });
    await recordAudit(db, "system", {
      action: "studio_admin.create",
      resourceType: "user",
      resourceId: admin.id,
      metadata: { email, via: "pnpm dev", passwordGenerated: true },
    });
    return { email, password, created: true };
  }
  const hash = found.accounts.find((a) => a.providerId === "credential")?.password;
  const works = Boolean(stored && hash && (await ctx.password.verify({ hash, password: stored.password })));
  return { email, password: works ? stored?.password : undefined, created: false };
}

async function ensureDevIngestKey(db: Database, path: string): Promise<{ secret: string; created: boolean }> {
  const stored = await readTrimmed(path);
  if (stored) {
    const check = await verifyApiKey(db, stored);
    if (check.ok && check.key.scopes.includes("ingest") && check.key.scopes.includes("send"))
      return { secret: stored, created: false };
  }
  const { key, secret } = await createApiKey(db, {
    name: "pnpm dev ingest key",
    scopes: ["ingest", "send"],
    createdBy: "pnpm dev",
  });
  await recordAudit(db, "system", {
    action: "api_key.create",
    resourceType: "api_key",
    resourceId: key.id,
    metadata: { name: key.name, scopes: key.scopes, prefix: key.prefix, via: "pnpm dev" },
  });
  await writePrivate(path, `${secret}\n`);
  return { secret, created: true };
}
