import type { Sql } from "postgres";

/** An erased contact's sends keep their row for the counts, re-keyed under this prefix. */
const ERASED_SEND_KEY_PREFIX = "erased:";

/** The send's contact was erased: its address, subject and props are gone. */
export function sendWasErased(send: { idempotencyKey: string }): boolean {
  return send.idempotencyKey.startsWith(ERASED_SEND_KEY_PREFIX);
}

/** The hash `erased_addresses` keeps of an address, as SQL over an expression that yields it. */
export const ERASED_HASH_SQL = (email: string) =>
  `encode(sha256(convert_to(lower(${email}), 'UTF8')), 'hex')`;

/** What an erase removed or anonymised, for the caller's answer and the audit entry. */
export interface ErasedCounts {
  events: number;
  journeyStates: number;
  sendsAnonymised: number;
  emailEvents: number;
  links: number;
  outboxMessages: number;
  addressHashed: boolean;
}

/** The contact's live journey runs, to cancel before the erase (their state rows go with it). */
export async function liveRunIdsOf(sql: Sql, contactId: string): Promise<string[]> {
  const rows = await sql<{ hatchet_run_id: string }[]>`
    select hatchet_run_id from journey_states
    where (contact_id = ${contactId} or user_key = ${contactId}) and status in ('active', 'waiting')`;
  return rows.map((r) => r.hatchet_run_id);
}

/**
 * Erases a contact in one transaction: their events (and outbox rows), journey states (and
 * logs), preferences and the contact row are deleted; their sends stay as anonymous counts, with
 * recipient, subject, props, key and provider payloads gone, and their links, tracking events
 * and dev-outbox copies deleted. The address is kept only as a hash in `erased_addresses`.
 * Returns undefined for an unknown contact. Run ids the caller did not cancel come back as
 * `liveRunIds`, since a run enrolled during the call has lost its state.
 */
export async function eraseContact(
  sql: Sql,
  contactId: string,
): Promise<(ErasedCounts & { liveRunIds: string[] }) | undefined> {
  return sql.begin(async (tx) => {
    const [contact] = await tx<{ id: string; email: string | null; tenant_id: string | null }[]>`
      select id, email, tenant_id from contacts where id = ${contactId} for update`;
    if (!contact) return undefined;
    const live = await liveRunIdsOf(tx as unknown as Sql, contactId);
    const sends = tx`select id from email_sends where contact_id = ${contactId}`;
    const [links] = await tx<{ n: number }[]>`
      with d as (delete from email_links where send_id in (${sends}) returning 1) select count(*)::int as n from d`;
    const [emailEvents] = await tx<{ n: number }[]>`
      with d as (delete from email_events where send_id in (${sends}) returning 1) select count(*)::int as n from d`;
    const [outbox] = await tx<{ n: number }[]>`
      with d as (delete from outbox_messages where send_id in (${sends}) returning 1) select count(*)::int as n from d`;
    const [anonymised] = await tx<{ n: number }[]>`
      with u as (
        update email_sends set contact_id = null, journey_state_id = null, to_email = 'erased',
          subject = '', props = '{}'::jsonb, idempotency_key = ${ERASED_SEND_KEY_PREFIX}::text || id::text,
          reason = case when reason is null then null else 'erased' end, updated_at = now()
        where contact_id = ${contactId} returning 1)
      select count(*)::int as n from u`;
    const [events] = await tx<{ n: number }[]>`
      with d as (delete from user_events where contact_id = ${contactId} or user_key = ${contactId} returning 1)
      select count(*)::int as n from d`;
    const [states] = await tx<{ n: number }[]>`
      with d as (delete from journey_states where contact_id = ${contactId} or user_key = ${contactId} returning 1)
      select count(*)::int as n from d`;
    await tx`delete from email_preferences where contact_id = ${contactId}`;
    let addressHashed = false;
    if (contact.email) {
      await tx.unsafe(
        `insert into erased_addresses (tenant_id, email_sha256) values ($1, ${ERASED_HASH_SQL("$2::text")})
         on conflict do nothing`,
        [contact.tenant_id, contact.email],
      );
      addressHashed = true;
    }
    await tx`delete from contacts where id = ${contactId}`;
    return {
      events: events?.n ?? 0,
      journeyStates: states?.n ?? 0,
      sendsAnonymised: anonymised?.n ?? 0,
      emailEvents: emailEvents?.n ?? 0,
      links: links?.n ?? 0,
      outboxMessages: outbox?.n ?? 0,
      addressHashed,
      liveRunIds: live,
    };
  });
}

/** Everything stored about a contact, as one document (a data-subject access request). */
export interface ContactExport {
  contact: Record<string, unknown>;
  preferences: Record<string, unknown> | null;
  events: Record<string, unknown>[];
  journeys: (Record<string, unknown> & { logs: Record<string, unknown>[] })[];
  emails: (Record<string, unknown> & {
    events: Record<string, unknown>[];
    links: Record<string, unknown>[];
  })[];
}

export async function exportContact(sql: Sql, contactId: string): Promise<ContactExport | undefined> {
  const [contact] = await sql`select * from contacts where id = ${contactId}`;
  if (!contact) return undefined;
  const [preferences] = await sql`select * from email_preferences where contact_id = ${contactId}`;
  const events = await sql`
    select id, event, properties, source, idempotency_key, occurred_at, received_at from user_events
    where contact_id = ${contactId} or user_key = ${contactId} order by occurred_at, id`;
  const states = await sql`
    select * from journey_states where contact_id = ${contactId} or user_key = ${contactId} order by started_at, id`;
  const logs = await sql`
    select * from journey_logs where journey_state_id in (
      select id from journey_states where contact_id = ${contactId} or user_key = ${contactId})
    order by created_at, id`;
  const sends = await sql`select * from email_sends where contact_id = ${contactId} order by created_at, id`;
  const sendEvents = await sql`
    select * from email_events where send_id in (select id from email_sends where contact_id = ${contactId})
    order by occurred_at, id`;
  const links = await sql`
    select * from email_links where send_id in (select id from email_sends where contact_id = ${contactId})
    order by send_id, position`;
  const bySend = <T extends Record<string, unknown>>(rows: readonly T[], id: unknown) =>
    rows.filter((r) => r.send_id === id);
  return {
    contact,
    preferences: preferences ?? null,
    events: [...events],
    journeys: states.map((s) => ({ ...s, logs: logs.filter((l) => l.journey_state_id === s.id) })),
    emails: sends.map((s) => ({ ...s, events: bySend(sendEvents, s.id), links: bySend(links, s.id) })),
  };
}

/** Lets marketing mail reach an erased address again (its owner came back and consented). */
export async function forgetErasedAddress(sql: Sql, email: string): Promise<boolean> {
  const rows = await sql.unsafe(
    `delete from erased_addresses where coalesce(tenant_id, '') = '' and email_sha256 = ${ERASED_HASH_SQL("$1::text")}
     returning 1`,
    [email],
  );
  return rows.length > 0;
}

/** Suppressed contacts, newest first, and how many erased addresses are kept as hashes. */
export async function listSuppressions(sql: Sql, limit = 1_000) {
  const contacts = await sql<
    {
      contact_id: string;
      email: string | null;
      external_id: string | null;
      reason: string | null;
      since: string | Date | null;
    }[]
  >`
    select p.contact_id, c.email, c.external_id, p.suppressed_reason as reason, p.suppressed_at as since
    from email_preferences p join contacts c on c.id = p.contact_id
    where p.suppressed order by p.suppressed_at desc nulls last limit ${limit}`;
  const [erased] = await sql<{ n: number }[]>`select count(*)::int as n from erased_addresses`;
  return { contacts, erasedAddresses: erased?.n ?? 0 };
}
