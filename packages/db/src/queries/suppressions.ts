import type { Sql } from "postgres";
import { ERASED_HASH_SQL } from "./privacy.js";

export interface AddressToSuppress {
  email: string;
  reason: string;
}

export interface SuppressedBatch {
  /** Contacts newly suppressed, existing ones and new ones alike. */
  suppressed: number;
  /** Contacts created for an address Hogsend did not know, so it is never mailed. */
  created: number;
  /** Addresses already suppressed: nothing changed. */
  unchanged: number;
  /** Addresses erased at their owner's request: skipped, so no plaintext copy comes back. */
  erased: number;
}

/**
 * Suppresses a batch of addresses in one statement (a provider's suppression list): each address
 * resolves to its live contact, or gets a new contact holding only the address, and is marked
 * suppressed with its reason. An address already suppressed keeps its first reason and time, so a
 * re-import changes nothing. An erased address (its hash in `erased_addresses`) is skipped:
 * storing it again would undo the erase.
 */
export async function suppressAddresses(
  sql: Sql,
  batch: readonly AddressToSuppress[],
): Promise<SuppressedBatch> {
  const [row] = await sql.unsafe<{ suppressed: number; created: number; erased: number; total: number }[]>(
    `with given as (
       select distinct on (lower(email)) email, reason
       from jsonb_to_recordset($1::text::jsonb) as x(email text, reason text) order by lower(email)
     ),
     erased as (
       select g.email from given g
       where exists (select 1 from erased_addresses e
         where coalesce(e.tenant_id, '') = '' and e.email_sha256 = ${ERASED_HASH_SQL("g.email")})
     ),
     wanted as (select * from given where email not in (select email from erased)),
     created as (
       insert into contacts (email) select email from wanted
       on conflict (coalesce(tenant_id, ''), lower(email)) where deleted_at is null and email is not null do nothing
       returning id, email
     ),
     targets as (
       select c.id, w.reason from created c join wanted w on lower(w.email) = lower(c.email)
       union all
       select c.id, w.reason from contacts c join wanted w on lower(c.email) = lower(w.email)
       where c.deleted_at is null and c.email is not null and coalesce(c.tenant_id, '') = ''
     ),
     marked as (
       insert into email_preferences as p (contact_id, suppressed, suppressed_reason, suppressed_at)
       select id, true, reason, now() from targets
       on conflict (contact_id) do update
         set suppressed = true, suppressed_reason = excluded.suppressed_reason, suppressed_at = now(), updated_at = now()
         where not p.suppressed
       returning 1
     )
     select (select count(*) from marked)::int as suppressed, (select count(*) from created)::int as created,
       (select count(*) from erased)::int as erased, (select count(*) from given)::int as total`,
    [JSON.stringify(batch)],
    { prepare: true },
  );
  const suppressed = row?.suppressed ?? 0;
  const erased = row?.erased ?? 0;
  return {
    suppressed,
    created: row?.created ?? 0,
    erased,
    unchanged: (row?.total ?? 0) - suppressed - erased,
  };
}

export interface SuppressionRow {
  email: string | null;
  external_id: string | null;
  reason: string | null;
  suppressed_at: Date | string | null;
}

/** Every suppressed contact, oldest first, a page at a time (a cursor: the list can be long). */
export function suppressionsCursor(sql: Sql, pageSize = 1_000) {
  return sql<SuppressionRow[]>`
    select c.email, c.external_id, p.suppressed_reason as reason, p.suppressed_at
    from email_preferences p join contacts c on c.id = p.contact_id
    where p.suppressed and c.deleted_at is null
    order by p.suppressed_at nulls first, p.contact_id`.cursor(pageSize);
}
