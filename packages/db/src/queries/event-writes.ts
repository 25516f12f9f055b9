import type { Sql } from "postgres";

/**
 * One contact a batch writes events for. Either `knownId` (an event Hogsend emits about a contact
 * it already knows: no identity resolution, no contact write, nothing stored if it was deleted)
 * or an identity to resolve: the product's user id, else the email, else the anonymous id; a new
 * contact is created as `newId` when none matches.
 */
export interface ContactTuple {
  knownId?: string | undefined;
  newId?: string | undefined;
  externalId?: string | undefined;
  email?: string | undefined;
  /**
   * Whether `email` may replace a contact's different email (default true). False for sources
   * whose identity data anyone can write (PostHog person properties): their email only fills a
   * contact that has none, so nobody can redirect a known user's mail.
   */
  emailTrusted?: boolean | undefined;
  anonymousId?: string | undefined;
  /** Merged into the contact's properties (shallow: top-level keys overwrite). */
  properties?: Record<string, unknown> | undefined;
  seenAt: Date;
}

/** One event of a batch, under the contact at index `contact` of the batch's tuples. */
export interface EventRow {
  contact: number;
  id: string;
  event: string;
  properties: Record<string, unknown>;
  source: string;
  idempotencyKey: string;
  occurredAt: Date;
  /** A journey triggers on this name: queue it for Hatchet whoever the contact is. */
  consumable: boolean;
  /** Journeys whose live enrollments of this contact end on this event (exitOn), or none. */
  exitJourneys?: readonly string[] | undefined;
}

export interface WrittenContact {
  /** Null when a `knownId` contact no longer exists or was deleted: its events were not stored. */
  id: string | null;
  externalId: string | null;
  email: string | null;
  anonymousId: string | null;
}

export interface EventWriteResult {
  /** By tuple index. */
  contacts: WrittenContact[];
  /** Newly stored events by id, with whether they were queued for Hatchet. Replays are absent. */
  stored: Map<string, { queued: boolean }>;
  /** Enrollments this batch's events ended (exitOn), with the Hatchet runs to cancel. */
  exited: { eventId: string; stateId: string; runId: string }[];
}

/** The channel a pusher listens on; the write statement notifies it when it queued anything. */
export const EVENT_OUTBOX_CHANNEL = "hogsend_event_outbox";

const LIVE = `('active', 'waiting')`;
const LIVE_CONTACT = `coalesce(c.tenant_id, '') = '' and c.tenant_id is null and c.deleted_at is null`;

/**
 * Contacts and events in one statement, autocommit: resolve each tuple's contact, write it only
 * when something changes (identity, properties, or `last_seen_at` older than a minute), insert new
 * contacts, store each event once per idempotency key, queue the consumable ones in
 * `event_outbox`, end the enrollments they exit, and notify pushers. The text is fixed, so
 * postgres.js prepares it once per connection; the batch travels as two JSON parameters.
 *
 * Concurrency: rows are locked and inserted in a fixed order (contact id, idempotency key), so two
 * flushes cannot deadlock. A new contact that lost a race to a concurrent insert (`on conflict do
 * nothing`) leaves its events pointing at a contact that does not exist: the foreign key fails the
 * statement, and the caller retries row by row, when the lookup finds the winner. An identity
 * change that collides with another contact fails it too (unique violation); the retry passes
 * `keepIdentity`.
 */
const WRITE_EVENTS = `
with c_in as (
  select * from jsonb_to_recordset($1::text::jsonb) as x(
    i int, known_id uuid, new_id uuid, external_id text, email text, email_trusted boolean,
    anonymous_id text, properties jsonb, seen_at timestamptz)
),
resolved as (
  select c_in.*, case
    when c_in.known_id is not null then
      (select c.id from contacts c where c.id = c_in.known_id and c.deleted_at is null)
    else coalesce(
      (select c.id from contacts c where ${LIVE_CONTACT}
         and c.external_id is not null and c.external_id = c_in.external_id limit 1),
      (select c.id from contacts c where ${LIVE_CONTACT}
         and c.email is not null and lower(c.email) = lower(c_in.email) limit 1),
      (select c.id from contacts c where ${LIVE_CONTACT}
         and c.anonymous_id is not null and c.anonymous_id = c_in.anonymous_id limit 1))
    end as found_id
  from c_in
),
changed as (
  select c.id from contacts c join resolved r on r.found_id = c.id
  where r.known_id is null and (
    (not $3::text::boolean and (
      (r.external_id is not null and c.external_id is null)
      or (r.email is not null and (c.email is null or (r.email_trusted and lower(c.email) <> lower(r.email))))
      or (r.anonymous_id is not null and c.anonymous_id is null)))
    or (c.properties || coalesce(r.properties, '{}')) <> c.properties
    or c.last_seen_at < r.seen_at - interval '60 seconds')
  order by c.id
  for update of c
),
updated as (
  update contacts c set
    external_id = case when $3::text::boolean then c.external_id else coalesce(c.external_id, r.external_id) end,
    email = case when $3::text::boolean or r.email is null or lower(c.email) = lower(r.email)
        or (c.email is not null and not r.email_trusted)
      then c.email else r.email end,
    anonymous_id = case when $3::text::boolean then c.anonymous_id else coalesce(c.anonymous_id, r.anonymous_id) end,
    properties = c.properties || coalesce(r.properties, '{}'),
    last_seen_at = greatest(c.last_seen_at, r.seen_at),
    updated_at = now()
  from resolved r
  where c.id = r.found_id and c.id in (select id from changed)
  returning c.id
),
created as (
  insert into contacts (id, external_id, email, anonymous_id, properties, first_seen_at, last_seen_at)
  select r.new_id, r.external_id, r.email, r.anonymous_id, coalesce(r.properties, '{}'), r.seen_at, r.seen_at
  from resolved r where r.found_id is null and r.known_id is null
  order by r.new_id
  on conflict do nothing
  returning id
),
owner as (
  select r.i,
    coalesce(r.found_id, case when r.known_id is null then r.new_id end) as contact_id,
    coalesce(c.external_id, r.external_id) as external_id,
    coalesce(c.email, r.email) as email,
    coalesce(c.anonymous_id, r.anonymous_id) as anonymous_id
  from resolved r left join contacts c on c.id = r.found_id
),
e_in as (
  select e.*, o.contact_id from jsonb_to_recordset($2::text::jsonb) as e(
    c int, id uuid, event text, properties jsonb, source text, idempotency_key text,
    occurred_at timestamptz, consumable boolean, exit_journeys jsonb)
  join owner o on o.i = e.c
  where o.contact_id is not null
),
stored as (
  insert into user_events (id, user_key, contact_id, event, properties, source, idempotency_key, occurred_at, push_state)
  select e.id, e.contact_id::text, e.contact_id, e.event, e.properties, e.source, e.idempotency_key, e.occurred_at,
    case when e.consumable or exists (
      select 1 from journey_states s
      where s.user_key = e.contact_id::text and s.waiting_for = e.event and s.status in ${LIVE})
    then 'queued' else 'skipped' end
  from e_in e
  order by e.idempotency_key
  on conflict do nothing
  returning id, push_state
),
queued as (
  insert into event_outbox (event_id) select id from stored where push_state = 'queued' returning event_id
),
exited as (
  update journey_states s set
    status = 'exited', exit_reason = 'exitOn:' || e.event, wait_deadline = null, waiting_for = null,
    finished_at = now(), updated_at = now()
  from stored st join e_in e on e.id = st.id
  where e.exit_journeys is not null
    and s.user_key = e.contact_id::text
    and s.journey_id in (select jsonb_array_elements_text(e.exit_journeys))
    and s.status in ${LIVE}
  returning s.id, s.hatchet_run_id, e.id as event_id
)
select
  (select coalesce(json_agg(json_build_array(o.i, o.contact_id, o.external_id, o.email, o.anonymous_id)), '[]')
     from owner o) as contacts,
  (select coalesce(json_agg(json_build_array(st.id, st.push_state = 'queued')), '[]') from stored st) as stored,
  (select coalesce(json_agg(json_build_array(x.event_id, x.id, x.hatchet_run_id)), '[]') from exited x) as exited,
  (select count(*) from (select pg_notify('${EVENT_OUTBOX_CHANNEL}', '') from (select 1 from queued limit 1) q) n)
    as notified
`;

type Row = {
  contacts: [number, string | null, string | null, string | null, string | null][];
  stored: [string, boolean][];
  exited: [string, string, string][];
};

/** Writes a batch of contacts and events in one statement; see `WRITE_EVENTS`. */
export async function writeEvents(
  sql: Sql,
  batch: { contacts: readonly ContactTuple[]; events: readonly EventRow[] },
  options: { keepIdentity?: boolean } = {},
): Promise<EventWriteResult> {
  const contacts = JSON.stringify(
    batch.contacts.map((c, i) => ({
      i,
      known_id: c.knownId ?? null,
      new_id: c.newId ?? null,
      external_id: c.externalId ?? null,
      email: c.email ?? null,
      email_trusted: c.emailTrusted ?? true,
      anonymous_id: c.anonymousId ?? null,
      properties: c.properties ?? {},
      seen_at: c.seenAt.toISOString(),
    })),
  );
  const events = JSON.stringify(
    batch.events.map((e) => ({
      c: e.contact,
      id: e.id,
      event: e.event,
      properties: e.properties,
      source: e.source,
      idempotency_key: e.idempotencyKey,
      occurred_at: e.occurredAt.toISOString(),
      consumable: e.consumable,
      exit_journeys: e.exitJourneys && e.exitJourneys.length > 0 ? e.exitJourneys : null,
    })),
  );
  const [row] = (await sql.unsafe(WRITE_EVENTS, [contacts, events, String(options.keepIdentity ?? false)], {
    prepare: true,
  })) as unknown as Row[];
  if (!row) throw new Error("the event write returned no row");
  const written: WrittenContact[] = [];
  for (const [i, id, externalId, email, anonymousId] of row.contacts)
    written[i] = { id, externalId, email, anonymousId };
  return {
    contacts: written,
    stored: new Map(row.stored.map(([id, queued]) => [id, { queued }])),
    exited: row.exited.map(([eventId, stateId, runId]) => ({ eventId, stateId, runId })),
  };
}
