/**
 * The migrate run mode: engine track, then client track, under one advisory lock.
 * `tsx packages/db/src/migrate.ts` (or `pnpm db:migrate`); exits 0, or 1 with the reason.
 */
import { formatEnvIssues } from "@hogsend/core";
import { defaultClientMigrationsDir, readDatabaseEnv } from "./env.js";
import { clientTrack, engineTrack, MigrationFailedError, runMigrations } from "./migrations/index.js";

const log = (line: string) => console.log(`[migrate] ${line}`);

async function main(): Promise<number> {
  const parsed = readDatabaseEnv();
  if (!parsed.ok) {
    console.error(formatEnvIssues(parsed.issues, "the migrate run mode"));
    return 1;
  }
  const { env } = parsed;
  const started = performance.now();
  try {
    const results = await runMigrations({
      databaseUrl: env.DATABASE_URL,
      tracks: [engineTrack(), clientTrack(env.CLIENT_MIGRATIONS_DIR ?? defaultClientMigrationsDir())],
      lockTimeoutMs: env.MIGRATE_LOCK_TIMEOUT_MS,
      statementTimeoutMs: env.MIGRATE_STATEMENT_TIMEOUT_MS,
      log,
    });
    const total = results.reduce((n, r) => n + r.applied.length, 0);
    log(
      `done in ${((performance.now() - started) / 1000).toFixed(2)}s: ${total === 0 ? "nothing to apply, schema is up to date" : `${total} migration(s) applied`}`,
    );
    return 0;
  } catch (err) {
    if (err instanceof MigrationFailedError) {
      console.error(`[migrate] ✗ ${err.message}`);
      console.error(
        `[migrate] ${err.track === "client" ? "the engine track and earlier client migrations stay applied" : "earlier migrations stay applied"}; ` +
          `fix ${err.migration} and run the migrate mode again (pnpm db:migrate)`,
      );
    } else {
      console.error(`[migrate] ✗ ${(err as Error).message}`);
    }
    return 1;
  }
}

process.exitCode = await main();
