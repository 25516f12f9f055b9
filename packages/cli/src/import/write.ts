import type { DbHandle } from "@hogsend/db";
import type { ImportRow } from "./rows.js";

/**
 * Upserts a batch of contacts in one statement per identity kind: rows with a user id on the user
 * id's unique index, rows with only an email on the email's. A contact is rewritten only when the
 * row changes it (a new email, new or changed properties), so re-importing a file changes nothing.
 * Properties merge over what is stored. Returns the rows written (created or changed).
 */
const BY_USER_ID = `
with r as (select * from jsonb_to_recordset($1::text::jsonb) as x(external_id text, email text, properties jsonb))
insert into contacts as c (external_id, email, properties)
select external_id, email, properties from r
on conflict (coalesce(tenant_id, ''), external_id) where deleted_at is null and external_id is not null
do update set email = coalesce(excluded.email, c.email), properties = c.properties || excluded.properties,
  updated_at = now()
where c.email is distinct from coalesce(excluded.email, c.email) or c.properties is distinct from c.properties || excluded.properties
returning 1`;

const BY_EMAIL = `
with r as (select * from jsonb_to_recordset($1::text::jsonb) as x(email text, properties jsonb))
insert into contacts as c (email, properties)
select email, properties from r
on conflict (coalesce(tenant_id, ''), lower(email)) where deleted_at is null and email is not null
do update set properties = c.properties || excluded.properties, updated_at = now()
where c.properties is distinct from c.properties || excluded.properties
returning 1`;

/** Later rows of the same identity in one batch fold into the first (one upsert may touch a row once). */
function fold(rows: ImportRow[], keyOf: (r: ImportRow) => string): ImportRow[] {
  const byKey = new Map<string, ImportRow>();
  for (const row of rows) {
    const key = keyOf(row);
    const seen = byKey.get(key);
    if (!seen) byKey.set(key, { ...row, properties: { ...row.properties } });
    else
      byKey.set(key, {
        ...seen,
        email: row.email ?? seen.email,
        properties: { ...seen.properties, ...row.properties },
      });
  }
  return [...byKey.values()];
}

export async function writeBatch(sql: DbHandle["sql"], rows: ImportRow[]): Promise<number> {
  const withUserId = fold(
    rows.filter((r) => r.userId),
    (r) => r.userId ?? "",
  );
  const emailOnly = fold(
    rows.filter((r) => !r.userId),
    (r) => (r.email ?? "").toLowerCase(),
  );
  let written = 0;
  await sql.begin(async (tx) => {
    if (withUserId.length > 0) {
      const payload = withUserId.map((r) => ({
        external_id: r.userId,
        email: r.email ?? null,
        properties: r.properties,
      }));
      written += (await tx.unsafe(BY_USER_ID, [JSON.stringify(payload)], { prepare: true })).length;
    }
    if (emailOnly.length > 0) {
      const payload = emailOnly.map((r) => ({ email: r.email, properties: r.properties }));
      written += (await tx.unsafe(BY_EMAIL, [JSON.stringify(payload)], { prepare: true })).length;
    }
  });
  return written;
}
