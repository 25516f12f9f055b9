/**
 * The physical-limit baseline: the rows one ingest writes (contact upsert + event insert),
 * written straight into Postgres with plain SQL, no HTTP, no ORM, no Hatchet push. Rows are
 * stored in their final shape (`push_state = 'pushed'`) in one write, where the api needs a
 * second update after the push.
 */
import postgres from "postgres";
import { type BenchEvent, createEventSource } from "./events.js";

export type BaselineMode = "row" | "batch";

export interface BaselineResult {
  mode: BaselineMode;
  rows: number;
  transactions: number;
  elapsedMs: number;
  rowsPerSecond: number;
  /** Transactions retried after a deadlock or a unique race on a new contact. */
  retries: number;
}

export interface BaselineOptions {
  databaseUrl: string;
  rows: number;
  concurrency: number;
  batchSize: number;
  users: number;
  /** The api run's seed, so the same events are written. */
  seed: number;
  keyPrefix: string;
  progress(line: string): void;
}

type Sql = postgres.Sql | postgres.TransactionSql;

const RETRYABLE = new Set(["40P01", "40001", "23505"]);

/** Upserts one contact as ingest does: found by user id, properties merged, last seen advanced. */
async function upsertContactRow(sql: Sql, event: BenchEvent, seenAt: string): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into contacts (external_id, email, properties, first_seen_at, last_seen_at)
    values (${event.userId}, ${event.email}, ${JSON.stringify(event.contactProperties ?? {})}::jsonb, ${seenAt}, ${seenAt})
    on conflict (coalesce(tenant_id, ''), external_id) where deleted_at is null and external_id is not null
    do update set properties = contacts.properties || excluded.properties,
      last_seen_at = greatest(contacts.last_seen_at, excluded.last_seen_at), updated_at = now()
    returning id`;
  if (!row) throw new Error("contact upsert returned no row");
  return row.id;
}

async function insertEventRow(sql: Sql, event: BenchEvent, contactId: string, seenAt: string) {
  await sql`
    insert into user_events (user_key, contact_id, event, properties, source, idempotency_key, occurred_at,
      push_state, push_attempts, pushed_at)
    values (${contactId}, ${contactId}, ${event.name}, ${JSON.stringify(event.eventProperties)}::jsonb, 'api',
      ${event.idempotencyKey}, ${seenAt}, 'pushed', 1, now())
    on conflict do nothing`;
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
    insert into user_events (user_key, contact_id, event, properties, source, idempotency_key, occurred_at,
      push_state, push_attempts, pushed_at)
    select e.contact_id, e.contact_id::uuid, e.event, e.properties::jsonb, 'api', e.idempotency_key,
      ${seenAt}::timestamptz, 'pushed', 1, now()
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

/** Writes `rows` events at `concurrency` connections, one row or one batch per transaction. */
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
      `${mode === "row" ? "1 row" : `${size} rows`}/tx ${ticks}s: ${written} of ${options.rows} rows`,
    );
  }, 1_000);
  try {
    const worker = async () => {
      while (next < units.length) {
        const unit = units[next++] as BenchEvent[];
        const seenAt = new Date().toISOString();
        await withRetry(
          () =>
            sql.begin(async (tx) => {
              if (mode === "batch") return writeBatch(tx, unit, seenAt);
              const [event] = unit as [BenchEvent];
              const contactId = await upsertContactRow(tx, event, seenAt);
              await insertEventRow(tx, event, contactId, seenAt);
            }),
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

/** Both baselines, one after the other, at the api run's concurrency. */
export async function runBaselines(options: BaselineOptions): Promise<BaselineResult[]> {
  const sql = postgres(options.databaseUrl, {
    max: options.concurrency,
    onnotice: () => {},
    connection: { application_name: "hogsend-bench-baseline" },
  });
  try {
    // Open every connection before timing, as the api's pool is warm after its warm-up.
    await Promise.all(Array.from({ length: options.concurrency }, () => sql`select 1`));
    const results: BaselineResult[] = [];
    for (const mode of ["row", "batch"] as const) results.push(await runMode(sql, mode, options));
    return results;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
