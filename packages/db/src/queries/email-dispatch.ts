import type { Sql } from "postgres";
import type { EmailSend } from "../schema/email.js";
import { OWNER_LOCK_KEY } from "./claim-owner.js";
import { type PreferenceFacts, preferencesFromRow } from "./preference-facts.js";

/** The channel the dispatcher listens on; recording a queued send notifies it. */
export const EMAIL_SENDS_CHANNEL = "hogsend_email_sends";

/** What a dispatch renders and checks: the send, and the contact's preferences and cap count now. */
export type ClaimedSend = Pick<
  EmailSend,
  | "id"
  | "idempotencyKey"
  | "contactId"
  | "toEmail"
  | "template"
  | "category"
  | "subject"
  | "props"
  | "journeyId"
  | "attempts"
  | "createdAt"
> & {
  preferences: PreferenceFacts;
  /** The contact's other non-transactional emails sent in the last 24 h (the frequency cap's count; 0 uncounted). */
  sentInLastDay: number;
};

const RETURNING = `s.id, s.idempotency_key, s.contact_id, s.to_email, s.template, s.category, s.subject,
  s.props, s.journey_id, s.attempts, s.created_at, s.batch_position`;

/**
 * The claimed rows with what the dispatch-time re-check needs, in batch order. `capped` names the
 * boolean parameter that says whether a frequency cap is configured: without one, nothing counts.
 */
const withFacts = (capped: string) => `
select c.*, p.contact_id is not null as has_preferences, p.unsubscribed_all, p.opted_out_categories,
  p.suppressed, p.suppressed_reason,
  case when not ${capped}::boolean or c.category = 'transactional' or c.contact_id is null then 0 else (
    select count(*) from email_sends o
    where o.contact_id = c.contact_id and o.id <> c.id and o.category <> 'transactional'
      and o.status = 'sent' and o.sent_at >= now() - interval '1 day') end::int as sent_in_last_day
from claimed c
left join lateral (select * from email_preferences p where p.contact_id = c.contact_id) p on true
order by c.batch_position
`;

/**
 * Claims the rows of `due` (locked) as one batch, in order, with the re-check's facts.
 *
 * Prepared statements run a generic plan after five calls, and that plan cannot see the batch
 * size: joined on `s.id = o.id` alone it estimated hundreds of rows and chose a hash join over a
 * sequential scan of all of `email_sends`, every batch (measured: 2,900 buffers per claim of 20
 * at 15,000 sends, growing with the table). `s.id = any(array(…))` pins the update to the
 * primary key, and the lateral join pins preferences to theirs, whatever the plan.
 */
const claimWith = (due: string, capped: string, owner: string) => `
with due as (${due}),
ordered as (select id, row_number() over (order by next_attempt_at, id) as position from due),
claimed as (
  update email_sends s set status = 'sending', claimed_at = now(), claimed_by = ${owner}::uuid,
    attempts = s.attempts + 1, batch_id = $2::uuid, batch_position = o.position, updated_at = now()
  from ordered o where s.id = o.id and s.id = any(array(select id from ordered))
  returning ${RETURNING}
)
${withFacts(capped)}`;

/**
 * Claims a new batch and reads, in the same statement, what the dispatch-time re-check needs
 * (preferences, suppression, the frequency cap's count): due `queued` sends, oldest due first,
 * straight off the partial index `email_sends_due_idx`. `FOR UPDATE SKIP LOCKED`: dispatchers on
 * other replicas take other rows, so no send is claimed twice. Each row records its batch and place.
 */
const CLAIM_DUE = claimWith(
  `
  select id, next_attempt_at from email_sends
  where status = 'queued' and next_attempt_at <= now()
  order by next_attempt_at, id
  limit $1::int
  for update skip locked`,
  "$3",
  "$4",
);

/** The same for exactly these queued sends, due or not (a dispatch of one send). */
const CLAIM_IDS = claimWith(
  `
  select id, next_attempt_at from email_sends
  where status = 'queued' and id = any(string_to_array($3::text, ',')::uuid[])
  order by next_attempt_at, id
  limit $1::int
  for update skip locked`,
  "$4",
  "$5",
);

/**
 * Takes over one batch whose dispatcher is gone, whole, in its order: the provider may have
 * accepted it already, so it is sent again exactly as it was, where a provider that deduplicates
 * answers with its first result. A dispatcher is gone when the advisory lock on its owner id is
 * free (its process died and Postgres ended its session: at once), or, for claims without an
 * owner or whose owner still holds its lock through a hung call, once the claim is older than
 * `$1` ms. An advisory lock per batch keeps two dispatchers from taking the same one; the update
 * re-checks the claim it read, so a batch taken over meanwhile is left alone.
 */
const CLAIM_STALE = `
with stale as (
  select coalesce(batch_id, id) as batch, claimed_by as owner, claimed_at from email_sends
  where status = 'sending'
    and (claimed_at < now() - $1::int * interval '1 millisecond'
      or (claimed_by is not null and pg_try_advisory_xact_lock(${OWNER_LOCK_KEY("claimed_by")})))
    and pg_try_advisory_xact_lock(hashtextextended(coalesce(batch_id, id)::text, 0))
  limit 1
),
claimed as (
  update email_sends s set claimed_at = now(), claimed_by = $3::uuid, attempts = s.attempts + 1,
    updated_at = now()
  from stale
  where coalesce(s.batch_id, s.id) = stale.batch and s.status = 'sending'
    and s.claimed_by is not distinct from stale.owner and s.claimed_at = stale.claimed_at
  returning ${RETURNING}
)
${withFacts("$2")}`;

function toClaimed(r: Record<string, unknown>): ClaimedSend {
  return {
    id: r.id as string,
    idempotencyKey: r.idempotency_key as string,
    contactId: r.contact_id as string | null,
    toEmail: r.to_email as string,
    template: r.template as string,
    category: r.category as string,
    subject: r.subject as string,
    props: (r.props ?? {}) as Record<string, unknown>,
    journeyId: r.journey_id as string | null,
    attempts: r.attempts as number,
    createdAt: new Date(r.created_at as string | Date),
    preferences: preferencesFromRow(r),
    sentInLastDay: r.sent_in_last_day as number,
  };
}

export interface ClaimOptions {
  /** Count each contact's sends of the last day (`sentInLastDay`): a frequency cap is configured. */
  countSentToday: boolean;
  /** The claiming process's owner id (`ClaimOwner`); null: claims only a timeout can take over. */
  owner: string | null;
}

export async function claimSends(
  sql: Sql,
  options: ClaimOptions & { limit: number; batchId: string; ids?: readonly string[] | undefined },
): Promise<ClaimedSend[]> {
  const rows = options.ids
    ? await sql.unsafe(
        CLAIM_IDS,
        [options.limit, options.batchId, options.ids.join(","), options.countSentToday, options.owner],
        { prepare: true },
      )
    : await sql.unsafe(CLAIM_DUE, [options.limit, options.batchId, options.countSentToday, options.owner], {
        prepare: true,
      });
  return rows.map(toClaimed);
}

export async function claimStaleBatch(
  sql: Sql,
  options: ClaimOptions & { staleClaimMs: number },
): Promise<ClaimedSend[]> {
  const rows = await sql.unsafe(
    CLAIM_STALE,
    [Math.round(options.staleClaimMs), options.countSentToday, options.owner],
    { prepare: true },
  );
  return rows.map(toClaimed);
}

/** How one claimed send ended this batch. */
export type SendOutcomeRecord =
  | { id: string; status: "sent"; provider: string; providerMessageId: string }
  | { id: string; status: "failed"; provider: string; reason: string }
  | { id: string; status: "suppressed"; reason: string }
  /** Back to the queue, due again in `retryInMs`. */
  | { id: string; status: "queued"; reason: string; retryInMs: number };

/**
 * Records a batch's outcomes in one statement: the sends' new states (only sends still claimed,
 * so a stale claim taken over elsewhere is not overwritten), and an `email_events` row for each
 * send that went out. Returns the ids whose state this call changed.
 */
const RECORD = `
with o as (
  select * from jsonb_to_recordset($1::text::jsonb) as x(
    id uuid, status text, provider text, provider_message_id text, reason text, retry_in_ms int)
),
updated as (
  update email_sends s set
    status = o.status,
    provider = coalesce(o.provider, s.provider),
    provider_message_id = coalesce(o.provider_message_id, s.provider_message_id),
    reason = o.reason,
    sent_at = case when o.status = 'sent' then now() else s.sent_at end,
    failed_at = case when o.status = 'failed' then now() else s.failed_at end,
    claimed_at = case when o.status = 'sent' then s.claimed_at end,
    next_attempt_at = case when o.status = 'queued'
      then now() + o.retry_in_ms * interval '1 millisecond' else s.next_attempt_at end,
    updated_at = now()
  from o where s.id = o.id and s.id = any(array(select id from o)) and s.status = 'sending'
  returning s.id, s.status, s.provider, s.provider_message_id
),
sent as (
  insert into email_events (send_id, type, dedupe_key, data)
  select u.id, 'sent', 'sent:' || u.id,
    jsonb_build_object('provider', u.provider, 'providerMessageId', u.provider_message_id)
  from updated u where u.status = 'sent'
  on conflict do nothing
)
select id from updated
`;

export async function recordSendOutcomes(
  sql: Sql,
  outcomes: readonly SendOutcomeRecord[],
): Promise<Set<string>> {
  if (outcomes.length === 0) return new Set();
  const rows = await sql.unsafe(
    RECORD,
    [
      JSON.stringify(
        outcomes.map((o) => ({
          id: o.id,
          status: o.status,
          provider: "provider" in o ? o.provider : null,
          provider_message_id: o.status === "sent" ? o.providerMessageId : null,
          reason: "reason" in o ? o.reason : null,
          retry_in_ms: o.status === "queued" ? Math.round(o.retryInMs) : null,
        })),
      ),
    ],
    { prepare: true },
  );
  return new Set(rows.map((r) => r.id as string));
}

/** Stores the rewritten links of a batch's sends in one statement; a re-render gets the same ids back. */
const SAVE_LINKS = `
insert into email_links (send_id, url, position)
select x.send_id, x.url, x.position from jsonb_to_recordset($1::text::jsonb) as x(send_id uuid, url text, position int)
on conflict (send_id, position) do update set url = excluded.url
returning id, send_id, position
`;

export async function saveEmailLinks(
  sql: Sql,
  links: readonly { sendId: string; url: string; position: number }[],
): Promise<Map<string, string[]>> {
  const bySend = new Map<string, string[]>();
  if (links.length === 0) return bySend;
  const rows = await sql.unsafe(
    SAVE_LINKS,
    [JSON.stringify(links.map((l) => ({ send_id: l.sendId, url: l.url, position: l.position })))],
    { prepare: true },
  );
  for (const r of rows) {
    const ids = bySend.get(r.send_id as string) ?? [];
    ids[r.position as number] = r.id as string;
    bySend.set(r.send_id as string, ids);
  }
  return bySend;
}

/** The statement texts, for the test that checks their generic plans never scan a whole table. */
export const DISPATCH_STATEMENTS = { claimDue: CLAIM_DUE, claimStale: CLAIM_STALE, record: RECORD } as const;

/**
 * Puts a failed send back in the queue, due now, with its attempts reset, and wakes the
 * dispatchers: an operator's resend. Only a `failed` send moves (a sent one is never mailed
 * twice this way); the send keeps its id, so the provider's idempotency key stays the same.
 * Returns false when the send is missing or not failed.
 */
export async function requeueFailedSend(sql: Sql, id: string): Promise<boolean> {
  const rows = await sql`
    update email_sends set status = 'queued', attempts = 0, next_attempt_at = now(), failed_at = null,
      reason = null, claimed_at = null, claimed_by = null, batch_id = null, batch_position = null,
      updated_at = now()
    where id = ${id} and status = 'failed'
    returning id`;
  if (rows.length === 0) return false;
  await sql`select pg_notify(${EMAIL_SENDS_CHANNEL}, '')`;
  return true;
}
