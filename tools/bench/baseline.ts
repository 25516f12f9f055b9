/**
 * The direct-Postgres baseline: the rows one ingest writes (contact upsert + event insert),
 * written straight into Postgres the way a careful engineer would, with no HTTP, no ORM and no
 * Hatchet push. Columns the schema defaults (push state, received_at) are left to their defaults,
 * as the api leaves them.
 */
import postgres from "postgres";
import { type BenchEvent, createEventSource } from "./events.js";

export type BaselineMode = "row" | "batch";

export interface BaselineResult {
  mode: BaselineMode;
  rows: number;
  /** Statements in autocommit (`row`) or transactions (`batch`). */
  transactions: number;
  elapsedMs: number;
  rowsPerSecond: number;
  /** Writes retried after a deadlock or a race on a new contact. */
  retries: number;
}

export interface BaselineOptions {
  databaseUrl: string;
  rows: number;
  /** Writes in flight at once: the api run's concurrency. */
  concurrency: number;
  /** Connections they share: the api's pool size. */
  pool: number;
  batchSize: number;
  users: number;
  /** The api run's seed, so the same kind of events is written. */
  seed: number;
  keyPrefix: string;
  progress(line: string): void;
}

type Sql = postgres.Sql | postgres.TransactionSql;

const RETRYABLE = new Set(["40P01", "40001", "23505"]);

/** A write that lost a race on a new contact and stored nothing; retried like a unique violation. */
class LostRaceError extends Error {
  readonly code = "23505";
}

/**
 * One event in one statement, autocommit, prepared once per connection (postgres.js prepares
 * tagged templates): upsert the contact by external id, rewriting it only when its properties or
 * email change or its last_seen_at is over a minute stale, and insert the event under it.
 *
 * When the contact is left as it was, the upsert returns no row, so the statement reads its id
 * from the snapshot instead. A contact another connection inserted after that snapshot is in
 * neither: the event is not inserted, and the write is retried.
 */
async function writeRow(sql: postgres.Sql, event: BenchEvent, seenAt: string): Promise<void> {
  const rows = await sql`
    with upserted as (
      insert into contacts (external_id, email, properties, first_seen_at, last_seen_at)
      values (${event.userId}, ${event.email}, ${JSON.stringify(event.contactProperties ?? {})}::jsonb,
        ${seenAt}::timestamptz, ${seenAt}::timestamptz)
      on conflict (coalesce(tenant_id, ''), external_id) where deleted_at is null and external_id is not null
      do update set properties = contacts.properties || excluded.properties, email = excluded.email,
        last_seen_at = greatest(contacts.last_seen_at, excluded.last_seen_at), updated_at = now()
      where not contacts.properties @> excluded.properties
        or contacts.email is distinct from excluded.email
        or contacts.last_seen_at < excluded.last_seen_at - interval '60 seconds'
      returning id
    ), contact as (
      select id from upserted
      union all
      select id from contacts
      where coalesce(tenant_id, '') = '' and external_id = ${event.userId} and deleted_at is null
      limit 1
    )
    insert into user_events (user_key, contact_id, event, properties, source, idempotency_key, occurred_at)
    select contact.id::text, contact.id, ${event.name}, ${JSON.stringify(event.eventProperties)}::jsonb, 'api',
      ${event.idempotencyKey}, ${seenAt}::timestamptz
    from contact
    on conflict do nothing
    returning id`;
  // Every key in a run is new, so no row means no contact id was found.
  if (rows.length === 0) throw new LostRaceError(`no contact for ${event.userId}: lost a race, retrying`);
}

/** One batch in one transaction: its distinct contacts upserted in one statement, then its events. */
async function writeBatch(sql: Sql, events: BenchEvent[], seenAt: string) {
  // One row per user (a statement may not upsert a row twice), sorted so concurrent batches
  // lock contacts in the same order and do not deadlock.
  const byUser = new Map<string, BenchEvent & { merged: Record<string, unknown> }>();
  for (const e of events) {
    const seen = byUser.get(e.userId);
    if (seen) Object.assign(seen.merged, e.contactProperties);
    else byUser.set(e.userId, { ...e, merged: { ...e.contactProperties } });
  }
  const users = [...byUser.values()].sort((a, b) => (a.userId < b.userId ? -1 : 1));
  const contacts = await sql<{ id: string; external_id: string }[]>`
    insert into contacts (external_id, email, properties, first_seen_at, last_seen_at)
    select u.external_id, u.email, u.properties::jsonb, ${seenAt}::timestamptz, ${seenAt}::timestamptz
    from unnest(${sql.array(users.map((u) => u.userId))}::text[], ${sql.array(users.map((u) => u.email))}::text[],
      ${sql.array(users.map((u) => JSON.stringify(u.merged)))}::text[]) as u(external_id, email, properties)
    on conflict (coalesce(tenant_id, ''), external_id) where deleted_at is null and external_id is not null
    do update set properties = contacts.properties || excluded.properties,
      last_seen_at = greatest(contacts.last_seen_at, excluded.last_seen_at), updated_at = now()
    returning id, external_id`;
  const contactOf = new Map(contacts.map((c) => [c.external_id, c.id]));
  const ids = events.map((e) => {
    const id = contactOf.get(e.userId);
    if (!id) throw new Error(`no contact returned for ${e.userId}`);
    return id;
  });
  await sql`
    insert into user_events (user_key, contact_id, event, properties, source, idempotency_key, occurred_at)
    select e.contact_id, e.contact_id::uuid, e.event, e.properties::jsonb, 'api', e.idempotency_key,
      ${seenAt}::timestamptz
    from unnest(${sql.array(ids)}::text[], ${sql.array(events.map((e) => e.name))}::text[],
      ${sql.array(events.map((e) => JSON.stringify(e.eventProperties)))}::text[],
      ${sql.array(events.map((e) => e.idempotencyKey))}::text[]) as e(contact_id, event, properties, idempotency_key)
    on conflict do nothing`;
}

async function withRetry(fn: () => Promise<unknown>, onRetry: () => void): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await fn();
      return;
    } catch (err) {
      const code = (err as { code?: string }).code ?? "";
      if (!RETRYABLE.has(code) || attempt >= 5) throw err;
      onRetry();
    }
  }
}

/** Writes `rows` events with `concurrency` writers over `pool` connections, per row or per batch. */
async function runMode(
  sql: postgres.Sql,
  mode: BaselineMode,
  options: BaselineOptions,
): Promise<BaselineResult> {
  const source = createEventSource({
    keyPrefix: `${options.keyPrefix}-${mode}`,
    users: options.users,
    seed: options.seed,
  });
  // Generated up front, so only the writes are timed.
  const events = Array.from({ length: options.rows }, () => source.next());
  const size = mode === "row" ? 1 : options.batchSize;
  const units: BenchEvent[][] = [];
  for (let i = 0; i < events.length; i += size) units.push(events.slice(i, i + size));

  let next = 0;
  let written = 0;
  let retries = 0;
  const started = performance.now();
  let ticks = 0;
  const ticker = setInterval(() => {
    ticks++;
    options.progress(
      `${mode === "row" ? "1 row per statement" : `${size} rows/tx`} ${ticks}s: ${written} of ${options.rows} rows`,
    );
  }, 1_000);
  try {
    const worker = async () => {
      while (next < units.length) {
        const unit = units[next++] as BenchEvent[];
        const seenAt = new Date().toISOString();
        await withRetry(
          () =>
            mode === "row"
              ? writeRow(sql, unit[0] as BenchEvent, seenAt)
              : sql.begin((tx) => writeBatch(tx, unit, seenAt)),
          () => retries++,
        );
        written += unit.length;
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
  } finally {
    clearInterval(ticker);
  }
  const elapsedMs = performance.now() - started;
  return {
    mode,
    rows: options.rows,
    transactions: units.length,
    elapsedMs,
    rowsPerSecond: options.rows / (elapsedMs / 1_000),
    retries,
  };
}

/** Both baselines, one after the other, at the api run's concurrency over a pool of the api's size. */
export async function runBaselines(options: BaselineOptions): Promise<BaselineResult[]> {
  const sql = postgres(options.databaseUrl, {
    max: options.pool,
    // The default for tagged templates; said out loud because the single-row figure depends on it.
    prepare: true,
    onnotice: () => {},
    connection: { application_name: "hogsend-bench-baseline" },
  });
  try {
    // Open every connection before timing, as the api's pool is warm after its warm-up.
    await Promise.all(Array.from({ length: options.pool }, () => sql`select 1`));
    const results: BaselineResult[] = [];
    for (const mode of ["row", "batch"] as const) results.push(await runMode(sql, mode, options));
    return results;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
