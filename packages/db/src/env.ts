import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type EnvResult, parseEnv } from "@hogsend/core";
import { z } from "zod";

const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
  .describe("Postgres connection URL for Hogsend's own database");

/**
 * The database part of the env contract. The engine's env.ts spreads it into the full
 * contract; the migrate and stamp run modes validate only this part, so a migrate Job
 * needs nothing but database access.
 */
export const databaseEnvShape = {
  DATABASE_URL: postgresUrl,
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(30_000)
    .describe(
      "Longest one statement of the api or worker may run (a held lock, an overloaded server); Postgres cancels it and a request gets 503 with Retry-After",
    ),
  MIGRATE_LOCK_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(10_000)
    .describe("Migration DDL waiting longer than this on a table lock fails instead of stalling traffic"),
  MIGRATE_STATEMENT_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(300_000)
    .describe("Longest a single migration statement may run"),
  CLIENT_MIGRATIONS_DIR: z
    .string()
    .optional()
    .describe("Folder of the client migration track (default: migrations/ at the project root)"),
};

export const databaseEnvSchema = z.object(databaseEnvShape);
export type DatabaseEnv = z.output<typeof databaseEnvSchema>;

export function readDatabaseEnv(
  source: Record<string, string | undefined> = process.env,
): EnvResult<DatabaseEnv> {
  return parseEnv(databaseEnvSchema, source);
}

/** `/migrations` at the project root, resolved from this file (migrate runs from source). */
export function defaultClientMigrationsDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), "../../../migrations");
}
