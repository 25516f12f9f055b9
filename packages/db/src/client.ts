import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema/index.js";

export type Database = ReturnType<typeof drizzle<typeof schema>>;
/** The pool or a transaction: what query functions accept, so callers choose the boundary. */
export type Queryable = Pick<Database, "select" | "insert" | "update" | "delete" | "transaction">;

export interface DbOptions {
  max?: number;
  applicationName?: string;
  /** Give up on a connection attempt after this long (default 5 s, not postgres.js's 30 s). */
  connectTimeoutSeconds?: number;
  /**
   * Postgres cancels a statement of this pool running longer (SQLSTATE 57014), so a held lock or
   * an overloaded server costs a request a 503, not a connection held for ever. Unset: no limit.
   */
  statementTimeoutMs?: number;
}

/** A transaction left open this long by a stuck caller is ended, releasing its locks. */
const IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;

/** A pooled postgres.js connection and the Drizzle client over it. */
export function createDb(url: string, options: DbOptions = {}) {
  const sql = postgres(url, {
    max: options.max ?? 10,
    // A request waiting on an unreachable server should fail fast as a 503, not hang 30 s.
    connect_timeout: options.connectTimeoutSeconds ?? 5,
    onnotice: () => {},
    connection: {
      application_name: options.applicationName ?? "hogsend",
      idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS,
      ...(options.statementTimeoutMs === undefined ? {} : { statement_timeout: options.statementTimeoutMs }),
    },
  });
  const db = drizzle(sql, { schema });
  return { db, sql, close: () => sql.end({ timeout: 5 }) };
}

export type DbHandle = ReturnType<typeof createDb>;
