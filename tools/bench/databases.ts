import { defaultClientMigrationsDir } from "@hogsend/db/env";
import { clientTrack, engineTrack, runMigrations } from "@hogsend/db/migrations";
import { ensureDatabase, identifier } from "@hogsend/devstack";
import postgres from "postgres";

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh database named `name` on the server behind `serverUrl` (any database URL on it),
 * with both migration tracks applied; `drop()` removes it again.
 */
export async function createMigratedDatabase(serverUrl: string, name: string): Promise<ScratchDatabase> {
  const adminUrl = withDatabase(serverUrl, "postgres");
  await ensureDatabase(adminUrl, identifier(name));
  const url = withDatabase(serverUrl, name);
  const drop = async () => {
    const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
    try {
      await sql.unsafe(`drop database if exists "${identifier(name)}" with (force)`);
    } finally {
      await sql.end();
    }
  };
  try {
    await runMigrations({
      databaseUrl: url,
      tracks: [engineTrack(), clientTrack(defaultClientMigrationsDir())],
    });
  } catch (err) {
    await drop().catch(() => {});
    throw err;
  }
  return { url, drop };
}

export interface PushStates {
  /** Rows this run stored (its idempotency-key prefix). */
  stored: number;
  pushed: number;
  pending: number;
}

/** How many of this run's events are stored, and how many Hatchet accepted. */
export async function countPushStates(databaseUrl: string, keyPrefix: string): Promise<PushStates> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<{ push_state: string; n: number }[]>`
      select push_state, count(*)::int as n from user_events
      where starts_with(idempotency_key, ${`${keyPrefix}-`}) group by push_state`;
    const of = (state: string) => rows.find((r) => r.push_state === state)?.n ?? 0;
    return { stored: rows.reduce((sum, r) => sum + r.n, 0), pushed: of("pushed"), pending: of("pending") };
  } finally {
    await sql.end();
  }
}
