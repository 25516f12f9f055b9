import type postgres from "postgres";
import { LEDGER_SCHEMA } from "./tracks.js";

type Sql = postgres.Sql | postgres.TransactionSql;

/** Same shape as drizzle's own ledger, so drizzle-kit tooling reads it too. */
export async function ensureLedger(sql: Sql, table: string): Promise<void> {
  await sql.unsafe(`create schema if not exists "${LEDGER_SCHEMA}"`);
  await sql.unsafe(
    `create table if not exists "${LEDGER_SCHEMA}"."${table}" (id serial primary key, hash text not null, created_at bigint)`,
  );
}

/** `created_at` of every recorded migration; empty when the ledger does not exist yet. */
export async function readLedger(sql: Sql, table: string): Promise<Set<number>> {
  try {
    const rows = await sql.unsafe<{ created_at: string | null }[]>(
      `select created_at from "${LEDGER_SCHEMA}"."${table}"`,
    );
    return new Set(rows.filter((r) => r.created_at !== null).map((r) => Number(r.created_at)));
  } catch (err) {
    // 42P01 undefined_table, 3F000 invalid_schema_name: nothing applied yet.
    const code = (err as { code?: string }).code;
    if (code === "42P01" || code === "3F000") return new Set();
    throw err;
  }
}

export async function recordMigration(sql: Sql, table: string, hash: string, when: number): Promise<void> {
  await sql.unsafe(`insert into "${LEDGER_SCHEMA}"."${table}" (hash, created_at) values ($1, $2)`, [
    hash,
    when,
  ]);
}
