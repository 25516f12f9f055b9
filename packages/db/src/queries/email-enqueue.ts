import type { Sql } from "postgres";
import { type PreferenceFacts, preferencesFromRow } from "./preference-facts.js";
import { ERASED_HASH_SQL } from "./privacy.js";

/** Who a send is for, as the caller named them: exactly one lookup applies (id, else user id, else address). */
export interface EnqueueLookup {
  idempotencyKey: string;
  contactId?: string | undefined;
  userId?: string | undefined;
  /** Looked up only when neither `contactId` nor `userId` is given. */
  email?: string | undefined;
  /** A journey's send: its enrollment's status, and its last email to the contact for the minimum gap. */
  journeyStateId?: string | undefined;
  journeyId?: string | undefined;
  /** Count the contact's non-transactional sends since this instant (the frequency cap); omitted: no count. */
  capSince?: Date | undefined;
  /** Read the journey's latest send to the contact (its minimum gap). */
  journeyGap?: boolean | undefined;
}

/** Everything an enqueue decides on, read in one round trip (no commit: a read). */
export interface EnqueueFacts {
  /** The send already recorded under the idempotency key. */
  existingSendId: string | undefined;
  /** The contact the lookup found; deleted contacts only by id (so the caller can say so). */
  contact: { id: string; email: string | null; deleted: boolean } | undefined;
  preferences: PreferenceFacts;
  /** The enrollment's status; undefined when no state was asked for, `gone` when it is missing. */
  enrollment: string | undefined;
  sentInLastDay: number;
  lastJourneySentAt: Date | undefined;
  /** The recipient's address (the lookup's, else the contact's) was erased at its owner's request. */
  erased: boolean;
}

/**
 * One prepared read: the idempotency key, the contact (each branch on its own unique index, the
 * others skipped by a one-time filter), the preferences, the enrollment and the cap's counts.
 * The counts are those of `countMarketingSendsSince` and `latestJourneySend`: sends queued, in
 * flight or sent count, so a burst cannot slip past the cap before the first one goes out.
 */
const READ_ENQUEUE_FACTS = `
with existing as (
  select id from email_sends
  where coalesce(tenant_id, '') = '' and idempotency_key = $1::text
  limit 1
),
contact as (
  (select id, email, deleted_at is not null as deleted from contacts where $2::uuid is not null and id = $2::uuid)
  union all
  (select id, email, false from contacts
   where $2::uuid is null and $3::text is not null
     and coalesce(tenant_id, '') = '' and external_id = $3::text and deleted_at is null
   limit 1)
  union all
  (select id, email, false from contacts
   where $2::uuid is null and $3::text is null and $4::text is not null
     and coalesce(tenant_id, '') = '' and lower(email) = lower($4::text) and deleted_at is null
   limit 1)
  limit 1
)
select
  (select id from existing) as existing_send_id,
  c.id as contact_id, c.email as contact_email, c.deleted as contact_deleted,
  p.contact_id is not null as has_preferences, p.unsubscribed_all, p.opted_out_categories,
  p.suppressed, p.suppressed_reason,
  case when $5::uuid is null then null
    else coalesce((select status from journey_states where id = $5::uuid), 'gone') end as enrollment,
  case when $7::timestamptz is null or c.id is null then 0 else (
    select count(*) from email_sends s
    where s.contact_id = c.id and s.category <> 'transactional'
      and s.status in ('queued', 'sending', 'sent') and s.created_at >= $7::timestamptz) end::int as sent_in_last_day,
  case when not $8::boolean or c.id is null then null else (
    select max(created_at) from email_sends s
    where s.contact_id = c.id and s.journey_id = $6::text
      and s.status in ('queued', 'sending', 'sent')) end as last_journey_sent_at,
  exists (select 1 from erased_addresses ea
    where coalesce(ea.tenant_id, '') = ''
      and ea.email_sha256 = ${ERASED_HASH_SQL("coalesce($4::text, c.email)")}) as erased
from (select 1) one
left join contact c on true
left join email_preferences p on p.contact_id = c.id
`;

export async function readEnqueueFacts(sql: Sql, lookup: EnqueueLookup): Promise<EnqueueFacts> {
  const [row] = await sql.unsafe(
    READ_ENQUEUE_FACTS,
    [
      lookup.idempotencyKey,
      lookup.contactId ?? null,
      lookup.userId ?? null,
      lookup.email ?? null,
      lookup.journeyStateId ?? null,
      lookup.journeyId ?? null,
      lookup.capSince?.toISOString() ?? null,
      lookup.journeyGap === true,
    ],
    { prepare: true },
  );
  if (!row) throw new Error("the enqueue facts query returned no row");
  return {
    existingSendId: (row.existing_send_id as string | null) ?? undefined,
    contact: row.contact_id
      ? {
          id: row.contact_id as string,
          email: row.contact_email as string | null,
          deleted: row.contact_deleted as boolean,
        }
      : undefined,
    preferences: preferencesFromRow(row),
    enrollment: (row.enrollment as string | null) ?? undefined,
    sentInLastDay: row.sent_in_last_day as number,
    lastJourneySentAt: row.last_journey_sent_at ? new Date(row.last_journey_sent_at as string) : undefined,
    erased: row.erased === true,
  };
}

/** The statement text, for the test that checks its generic plan never walks all sends. */
export const ENQUEUE_FACTS_STATEMENT = READ_ENQUEUE_FACTS;
