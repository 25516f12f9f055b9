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
}

/** A pooled postgres.js connection and the Drizzle client over it. */
export function createDb(url: string, options: DbOptions = {}) {
  const sql = postgres(url, {
    max: options.max ?? 10,
    // A request waiting on an unreachable server should fail fast as a 503, not hang 30 s.
    connect_timeout: options.connectTimeoutSeconds ?? 5,
    onnotice: () => {},
    connection: { application_name: options.applicationName ?? "hogsend" },
  });
  const db = drizzle(sql, { schema });
  return { db, sql, close: () => sql.end({ timeout: 5 }) };
}

export type DbHandle = ReturnType<typeof createDb>;
