import postgres from "postgres";
import { LatencyRecorder, type LatencySummary } from "./latency.js";

export interface Enrollments {
  /** This run's stored trigger events (its idempotency-key prefix). */
  stored: number;
  /** Of those, the ones a `journey_states` row of the journey names as its trigger. */
  enrolled: number;
  /** Runs of the journey that refused a user of this run (a `skipped` log), with a reason seen. */
  skipped: number;
  skipReason: string | undefined;
}

export interface EnrollmentLatency extends Enrollments {
  /** From `user_events.received_at` to `journey_states.started_at`, in ms. */
  latency: LatencySummary;
  /** How long the wait for stragglers took. */
  waitedMs: number;
}

async function countEnrollments(sql: postgres.Sql, journey: string, prefix: string): Promise<Enrollments> {
  const [row] = await sql<{ stored: number; enrolled: number }[]>`
    select count(*)::int as stored, count(s.id)::int as enrolled
    from user_events e left join journey_states s on s.trigger_event_id = e.id and s.journey_id = ${journey}
    where starts_with(e.idempotency_key, ${prefix})`;
  const [skips] = await sql<{ n: number; reason: string | null }[]>`
    select count(*)::int as n, min(l.message) as reason from journey_logs l
    where l.journey_id = ${journey} and l.kind = 'skipped'
      and l.user_key in (select e.user_key from user_events e where starts_with(e.idempotency_key, ${prefix}))`;
  return {
    stored: row?.stored ?? 0,
    enrolled: row?.enrolled ?? 0,
    skipped: skips?.n ?? 0,
    skipReason: skips?.reason ?? undefined,
  };
}

/**
 * Waits until each of this run's `expected` trigger events has enrolled or been refused, or
 * `waitMs` has passed, then measures event → enrolled for those that enrolled.
 */
export async function measureEnrollments(options: {
  databaseUrl: string;
  journey: string;
  keyPrefix: string;
  expected: number;
  waitMs: number;
  progress(line: string): void;
}): Promise<EnrollmentLatency> {
  const sql = postgres(options.databaseUrl, { max: 1, onnotice: () => {} });
  const prefix = `${options.keyPrefix}-`;
  const started = performance.now();
  try {
    let counts: Enrollments;
    let lastNotice = started;
    for (;;) {
      counts = await countEnrollments(sql, options.journey, prefix);
      const waited = performance.now() - started;
      if (counts.enrolled + counts.skipped >= options.expected || waited >= options.waitMs) break;
      if (performance.now() - lastNotice >= 1_000) {
        lastNotice = performance.now();
        options.progress(
          `waiting: ${counts.enrolled} of ${options.expected} enrolled, ${counts.skipped} refused`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const waitedMs = performance.now() - started;
    const rows = await sql<{ ms: number }[]>`
      select (extract(epoch from (s.started_at - e.received_at)) * 1000)::float8 as ms
      from user_events e join journey_states s on s.trigger_event_id = e.id and s.journey_id = ${options.journey}
      where starts_with(e.idempotency_key, ${prefix})`;
    const latency = new LatencyRecorder();
    for (const r of rows) latency.record(r.ms);
    // Counted from the rows timed, which may include stragglers the last poll missed.
    return { ...counts, enrolled: rows.length, latency: latency.summary(), waitedMs };
  } finally {
    await sql.end();
  }
}
