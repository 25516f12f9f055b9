import { type Auth, createAuth, createRedisSecondaryStorage } from "@hogsend/access";
import { formatEnvIssues } from "@hogsend/core";
import { createDb, type DbHandle } from "@hogsend/db";
import { Redis } from "ioredis";
import { readCliEnv } from "./env.js";
import { CliError, EXIT } from "./exit-codes.js";

export interface CliContext {
  db: DbHandle;
  auth: Auth;
  close(): Promise<void>;
}

/** Opens the database (and Redis, when set) the way the api does, failing with a clear exit code. */
export async function openContext(): Promise<CliContext> {
  const parsed = readCliEnv();
  if (!parsed.ok) throw new CliError(formatEnvIssues(parsed.issues, "the hogsend CLI"), EXIT.CONFIG);
  const { env } = parsed;
  const db = createDb(env.DATABASE_URL, { max: 2, applicationName: "hogsend-cli" });
  try {
    await db.sql`select 1`;
  } catch (err) {
    await db.close();
    throw new CliError(
      `cannot reach the database at DATABASE_URL: ${(err as Error).message}. Is Postgres up and migrated (pnpm db:migrate)?`,
      EXIT.UNAVAILABLE,
    );
  }
  const redis = env.REDIS_URL
    ? new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1, connectTimeout: 2_000 })
    : undefined;
  const auth = createAuth({
    db: db.db,
    secret: env.BETTER_AUTH_SECRET,
    baseURL: "http://localhost",
    trustedOrigins: [],
    ...(redis ? { secondaryStorage: createRedisSecondaryStorage(redis) } : {}),
    secureCookies: false,
  });
  return {
    db,
    auth,
    close: async () => {
      await db.close();
      redis?.disconnect();
    },
  };
}
