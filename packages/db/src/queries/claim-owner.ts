import { randomUUID } from "node:crypto";
import type { ReservedSql, Sql } from "postgres";

/**
 * The advisory lock key of a claim owner id, as SQL over an expression that yields the id.
 * Seed 1: the per-batch locks of the takeover use seed 0, so the two never collide by design.
 */
export const OWNER_LOCK_KEY = (idExpression: string) => `hashtextextended(${idExpression}::text, 1)`;

/**
 * Who claims work, in a form Postgres can tell is alive: one id per process, and a session
 * advisory lock on it held on a connection of its own. Postgres releases the lock the moment the
 * session ends, so when the process dies (SIGKILL, OOM, a lost node) its claims can be taken over
 * at once (`email-dispatch.ts`), instead of after a timeout that must outlast the slowest call.
 *
 * The lease is checked before each use: a session that was lost (Postgres restarted, a network
 * cut) means the lock may be gone and its claims taken over; a new id and lock replace it.
 * Without a lease (Postgres unreachable, a pooler in transaction mode) `id()` is null and claims
 * fall back to the timeout.
 */
export interface ClaimOwner {
  /** This process's current owner id, acquiring the lease first when needed; null without one. */
  id(): Promise<string | null>;
  /** Unlocks and returns the connection to the pool. */
  close(): Promise<void>;
}

interface Lease {
  id: string;
  pid: number;
  connection: ReservedSql;
}

/** Re-check the lease's session at most this often; a check is one round trip. */
const CHECK_EVERY_MS = 1_000;
/** After a failed acquisition, claim without a lease for this long before trying again. */
const RETRY_AFTER_MS = 5_000;

export function createClaimOwner(sql: Sql, options: { onLost?(reason: string): void } = {}): ClaimOwner {
  let lease: Lease | undefined;
  let pending: Promise<Lease | undefined> | undefined;
  let checkedAt = 0;
  let failedAt = Number.NEGATIVE_INFINITY;
  let closed = false;

  const release = (held: Lease) => {
    try {
      held.connection.release();
    } catch {
      // The connection is already gone: so is its lock.
    }
  };

  async function acquire(): Promise<Lease | undefined> {
    let connection: ReservedSql | undefined;
    try {
      connection = await sql.reserve();
      const id = randomUUID();
      const [row] = await connection.unsafe(
        `select pg_try_advisory_lock(${OWNER_LOCK_KEY("$1")}) as locked, pg_backend_pid() as pid`,
        [id],
      );
      // Only a hash collision with a live owner refuses it; the next call draws another id.
      if (!row?.locked) throw new Error("owner lock taken");
      return { id, pid: row.pid as number, connection };
    } catch (err) {
      if (connection) connection.release();
      failedAt = performance.now();
      options.onLost?.(`no claim owner lease (${(err as Error).message}); claims fall back to the timeout`);
      return undefined;
    }
  }

  /** True while the lease's session is the one that took the lock. */
  async function stillHeld(held: Lease): Promise<boolean> {
    try {
      const [row] = await held.connection.unsafe("select pg_backend_pid() as pid");
      return row?.pid === held.pid;
    } catch {
      return false;
    }
  }

  return {
    async id() {
      if (closed) return null;
      const now = performance.now();
      if (lease && now - checkedAt >= CHECK_EVERY_MS) {
        checkedAt = now;
        if (!(await stillHeld(lease))) {
          options.onLost?.(`the claim owner's session ended; its claims may be taken over elsewhere`);
          release(lease);
          lease = undefined;
        }
      }
      if (lease) return lease.id;
      if (now - failedAt < RETRY_AFTER_MS) return null;
      pending ??= acquire().finally(() => {
        pending = undefined;
      });
      const acquired = await pending;
      if (acquired && closed) release(acquired);
      else if (acquired) {
        lease = acquired;
        checkedAt = performance.now();
      }
      return lease?.id ?? null;
    },
    async close() {
      closed = true;
      const held = lease ?? (await pending);
      lease = undefined;
      if (!held) return;
      await held.connection
        .unsafe(`select pg_advisory_unlock(${OWNER_LOCK_KEY("$1")})`, [held.id])
        .catch(() => {});
      release(held);
    },
  };
}
