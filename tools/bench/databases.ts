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
  /** Handed to Hatchet: `push_state = 'queued'` with no outbox row left. */
  pushed: number;
  /** Stored only: no journey consumes the event (`push_state = 'skipped'`). */
  skipped: number;
  /** Still to be pushed: an outbox row that is not parked. */
  pending: number;
  /** Given up on after repeated failures: an outbox row with `parked_at` set. */
  parked: number;
}

/** How this run's stored events stand towards Hatchet (`push_state` and the `event_outbox` row). */
async function readPushStates(sql: postgres.Sql, keyPrefix: string): Promise<PushStates> {
  const [row] = await sql<PushStates[]>`
    select count(*)::int as stored,
      count(*) filter (where e.push_state = 'queued' and o.event_id is null)::int as pushed,
      count(*) filter (where e.push_state = 'skipped')::int as skipped,
      count(o.event_id) filter (where o.parked_at is null)::int as pending,
      count(o.event_id) filter (where o.parked_at is not null)::int as parked
    from user_events e left join event_outbox o on o.event_id = e.id
    where starts_with(e.idempotency_key, ${`${keyPrefix}-`})`;
  if (!row) throw new Error("the push-state count returned no row");
  return row;
}

/**
 * This run's events by push state, once none is pending or `settleMs` has passed: pushing may
 * run behind the answer (an outbox), so the count waits for it to catch up.
 */
export async function countPushStates(
  databaseUrl: string,
  keyPrefix: string,
  settleMs: number,
): Promise<PushStates & { settleMs: number }> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const started = performance.now();
  try {
    for (;;) {
      const states = await readPushStates(sql, keyPrefix);
      const waited = performance.now() - started;
      if (states.pending === 0 || waited >= settleMs) return { ...states, settleMs: waited };
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await sql.end();
  }
}

/**
 * Connections the api holds open on its database: its pool, once a run has filled it (the pool
 * closes no idle connection). A connection that only LISTENs is not the pool's. 0 when none is seen.
 */
export async function countApiConnections(databaseUrl: string): Promise<number> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ n: number }[]>`
      select count(*)::int as n from pg_stat_activity
      where datname = current_database() and application_name = 'hogsend-api'
        and query not ilike 'listen %'`;
    return row?.n ?? 0;
  } finally {
    await sql.end();
  }
}
