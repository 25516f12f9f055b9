import type { Sql } from "postgres";

/** A queued event, leased to one pusher: what Hatchet receives, and how its earlier tries went. */
export interface LeasedEvent {
  id: string;
  event: string;
  userKey: string;
  properties: Record<string, unknown>;
  occurredAt: Date;
  /** Tries so far, this one included. */
  attempts: number;
  /** The last try failed on this event alone (the engine refused it): push it on its own. */
  lastErrorPermanent: boolean;
}

/**
 * Leases up to `limit` due outbox rows, oldest first, by pushing their due time `leaseMs` ahead:
 * concurrent pushers skip locked rows, and a pusher that dies mid-push leaves its rows due again
 * when the lease runs out (delivery is at least once). No transaction stays open across the push.
 */
const CLAIM = `
with due as (
  select event_id from event_outbox
  where parked_at is null and next_attempt_at <= now()
  order by next_attempt_at
  limit $1::int
  for update skip locked
),
leased as (
  update event_outbox o set next_attempt_at = now() + $2::int * interval '1 millisecond', attempts = o.attempts + 1
  from due where o.event_id = due.event_id
  returning o.event_id, o.attempts, o.last_error_permanent, o.created_at
)
select e.id, e.event, e.user_key, e.properties, e.occurred_at, l.attempts, l.last_error_permanent
from leased l join user_events e on e.id = l.event_id
order by l.created_at
`;

export async function leaseOutboxEvents(
  sql: Sql,
  options: { limit: number; leaseMs: number },
): Promise<LeasedEvent[]> {
  const rows = await sql.unsafe(CLAIM, [options.limit, options.leaseMs], { prepare: true });
  return rows.map((r) => ({
    id: r.id as string,
    event: r.event as string,
    userKey: r.user_key as string,
    properties: (r.properties ?? {}) as Record<string, unknown>,
    occurredAt: new Date(r.occurred_at as string | Date),
    attempts: r.attempts as number,
    lastErrorPermanent: r.last_error_permanent as boolean,
  }));
}

/** Hatchet accepted these: they leave the outbox. */
export async function completeOutboxEvents(sql: Sql, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await sql.unsafe(
    `delete from event_outbox where event_id = any(string_to_array($1::text, ',')::uuid[])`,
    [ids.join(",")],
    {
      prepare: true,
    },
  );
}

/**
 * A failed try: due again after `retryInMs`, with the error kept; `park` takes the rows out of
 * rotation (an event the engine refuses on its own), so newer events keep flowing.
 */
export async function failOutboxEvents(
  sql: Sql,
  ids: readonly string[],
  failure: { error: string; permanent: boolean; park: boolean; retryInMs: number },
): Promise<void> {
  if (ids.length === 0) return;
  await sql.unsafe(
    `update event_outbox set
       next_attempt_at = now() + $2::int * interval '1 millisecond',
       last_error = $3::text,
       last_error_permanent = $4::text::boolean,
       parked_at = case when $5::text::boolean then now() end
     where event_id = any(string_to_array($1::text, ',')::uuid[])`,
    [
      ids.join(","),
      Math.round(failure.retryInMs),
      failure.error.slice(0, 1_000),
      String(failure.permanent),
      String(failure.park),
    ],
    { prepare: true },
  );
}
