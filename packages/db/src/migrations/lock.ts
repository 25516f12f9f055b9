import type postgres from "postgres";

/** One key for every Hogsend migrator and stamper, so both tracks serialize together. */
export const MIGRATION_LOCK_KEY = 4_807_270_331_207;

/**
 * Takes the session advisory lock, polling so that a `lock_timeout` meant for DDL does not
 * cut short a wait behind another migrator, and so that the wait is reported.
 */
export async function acquireMigrationLock(
  sql: postgres.Sql,
  options: { waitMs: number; log: (line: string) => void },
): Promise<void> {
  const deadline = Date.now() + options.waitMs;
  let reported = false;
  while (true) {
    const [row] = await sql<
      { locked: boolean }[]
    >`select pg_try_advisory_lock(${MIGRATION_LOCK_KEY}) as locked`;
    if (row?.locked) return;
    if (!reported) {
      options.log("another migrator holds the lock; waiting for it to finish");
      reported = true;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${options.waitMs}ms waiting for the migration lock; is another migrate stuck?`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function releaseMigrationLock(sql: postgres.Sql): Promise<void> {
  await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
}
