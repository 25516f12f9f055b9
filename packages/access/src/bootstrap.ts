import { countApiKeys, type DbHandle } from "@hogsend/db";
import { countStudioUsers, createStudioAdmin, generatePassword } from "./admin-users.js";
import { createApiKey } from "./api-keys.js";
import type { Auth } from "./better-auth.js";
import { recordAudit } from "./record-audit.js";
import type { SecretSink } from "./secret-sink.js";

/** What bootstrap prints through: the engine's logger fits. */
export interface BootstrapLogger {
  info(msg: string): void;
  warn(msg: string): void;
}

// One key for boot-time minting, so two replicas booting at once take turns.
const BOOTSTRAP_LOCK_KEY = 4_807_270_331_208;

async function withBootstrapLock<T>(db: DbHandle, fn: () => Promise<T>): Promise<T> {
  const conn = await db.sql.reserve();
  try {
    await conn`select pg_advisory_lock(${BOOTSTRAP_LOCK_KEY})`;
    try {
      return await fn();
    } finally {
      await conn`select pg_advisory_unlock(${BOOTSTRAP_LOCK_KEY})`;
    }
  } finally {
    conn.release();
  }
}

/**
 * With STUDIO_ADMIN_EMAIL set and no Studio user yet, mints the first admin: with the given
 * password, or a generated one revealed once through `secrets` (never logged). Idempotent
 * across restarts and replicas.
 */
export async function ensureFirstAdmin(
  deps: { db: DbHandle; auth: Auth; logger: BootstrapLogger; secrets: SecretSink },
  input: { email: string | undefined; password: string | undefined },
): Promise<"created" | "exists" | "skipped"> {
  const { email } = input;
  if (!email) return "skipped";
  return withBootstrapLock(deps.db, async () => {
    if ((await countStudioUsers(deps.db.db)) > 0) return "exists";
    const password = input.password ?? generatePassword();
    const admin = await createStudioAdmin(deps.auth, { email, password });
    await recordAudit(deps.db.db, "system", {
      action: "studio_admin.create",
      resourceType: "user",
      resourceId: admin.id,
      metadata: { email: admin.email, via: "boot", passwordGenerated: input.password === undefined },
    });
    if (input.password)
      deps.logger.info(`created the first Studio admin ${email} with STUDIO_ADMIN_PASSWORD`);
    else {
      const where = deps.secrets.reveal(`password of the first Studio admin ${email}`, password);
      deps.logger.warn(
        `created the first Studio admin ${email} with a generated password, ${where}: sign in and change it, or reset it with \`hogsend studio admin reset\``,
      );
    }
    return "created";
  });
}

/** With no API keys at all, mints one `ingest` key and reveals it once through `secrets`. */
export async function ensureBootstrapApiKey(deps: {
  db: DbHandle;
  logger: BootstrapLogger;
  secrets: SecretSink;
}): Promise<"created" | "exists"> {
  return withBootstrapLock(deps.db, async () => {
    if ((await countApiKeys(deps.db.db)) > 0) return "exists";
    const { key, secret } = await createApiKey(deps.db.db, {
      name: "bootstrap ingest key",
      scopes: ["ingest"],
      createdBy: "bootstrap",
    });
    await recordAudit(deps.db.db, "system", {
      action: "api_key.create",
      resourceType: "api_key",
      resourceId: key.id,
      metadata: { name: key.name, scopes: key.scopes, prefix: key.prefix, via: "boot" },
    });
    const where = deps.secrets.reveal(`ingest API key ${key.id}`, secret);
    deps.logger.warn(
      `minted an ingest API key (id ${key.id}), ${where}: store it now; HOGSEND_BOOTSTRAP_API_KEY=false turns this off`,
    );
    return "created";
  });
}
