import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { createTestDatabase, type TestDatabase } from "@hogsend/devstack/testing";
import { and, isNull } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { afterEach, describe, expect, it } from "vitest";
import { contactSearchCondition } from "./queries/admin-contacts.js";
import { contacts } from "./schema/contacts.js";

const MIGRATION = join(import.meta.dirname, "../drizzle/0015_contact_search_trigram.sql");
const TRIGRAM_INDEXES = ["contacts_search_trgm_idx"];

const databases: TestDatabase[] = [];
const clients: postgres.Sql[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.end()));
  for (const db of databases.splice(0)) await db.drop();
});

async function migrated() {
  const db = await createTestDatabase({ migrated: true });
  databases.push(db);
  const sql = postgres(db.url, { max: 1, onnotice: () => {} });
  clients.push(sql);
  return sql;
}

const trigramIndexes = async (sql: postgres.Sql) =>
  (
    await sql<{ indexname: string }[]>`
      select indexname from pg_indexes where tablename = 'contacts' and indexname like '%trgm%'
      order by indexname`
  ).map((r) => r.indexname);

describe("migration 0015: the contact search's trigram indexes", () => {
  it("installs pg_trgm and indexes the search text where it may, and the search uses it", async () => {
    const sql = await migrated();
    expect(await trigramIndexes(sql)).toEqual(TRIGRAM_INDEXES);
    // The planner is told scans cost too much, as on a table of real size: a search that does
    // not use the index means listContacts and the index disagree on the expression.
    const { sql: text, params } = drizzle(sql)
      .select({ id: contacts.id })
      .from(contacts)
      // As listContacts asks: live contacts only, which the anonymous id's partial index needs.
      .where(and(isNull(contacts.deletedAt), contactSearchCondition("ada@example")))
      .toSQL();
    const plan = await sql.begin(async (tx) => {
      await tx`set local enable_seqscan = off`;
      return tx.unsafe(`explain ${text}`, params as string[]);
    });
    expect(plan.map((row) => Object.values(row)[0]).join("\n")).toContain("contacts_search_trgm_idx");
    // And never for identity lookups: a bare equality stays on the unique btree.
    const lookup = await sql`explain select id from contacts where external_id = 'u-1' and email = 'a@b.c'`;
    expect(lookup.map((row) => Object.values(row)[0]).join("\n")).not.toContain("trgm");
  });

  it("goes on without them, with a notice, where the role may not install the extension", async () => {
    const sql = await migrated();
    await sql`drop extension pg_trgm cascade`;
    const role = `no_create_${Date.now().toString(36)}`;
    await sql.unsafe(`create role ${role}`);
    const notices: string[] = [];
    const restricted = postgres(databases[0]?.url ?? "", {
      max: 1,
      onnotice: (n) => notices.push(String(n.message)),
    });
    clients.push(restricted);
    const statements = (await readFile(MIGRATION, "utf8")).split("--> statement-breakpoint");
    try {
      await restricted.begin(async (tx) => {
        await tx.unsafe(`set local role ${role}`);
        for (const statement of statements) await tx.unsafe(statement);
      });
    } finally {
      await sql.unsafe(`drop role ${role}`);
    }
    expect(notices.join("\n")).toContain("pg_trgm not installed");
    expect(await trigramIndexes(sql)).toEqual([]);
  });
});
