import postgres from "postgres";

/**
 * Clears the scheduling state a previous run of the local engine left in its own database: its
 * partitions and leases. hatchet-lite leaves them behind when it exits, and the next engine waits
 * for them to expire (about a minute) before it schedules anything, so the first event after a
 * quick restart would sit for a minute. Only safe while no engine runs on this database: call it
 * right before starting the only one. Best effort: a schema without these tables is left alone.
 */
export async function clearStaleEngineState(engineDatabaseUrl: string): Promise<number> {
  const sql = postgres(engineDatabaseUrl, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    const tables = ["Tenant", "SchedulerPartition", "ControllerPartition", "TenantWorkerPartition", "Lease"];
    const [found] = await sql<{ n: number }[]>`
      select count(to_regclass(format('public.%I', t)))::int as n from unnest(${tables}::text[]) as t`;
    if (found?.n !== tables.length) return 0;
    return await sql.begin(async (tx) => {
      await tx`update "Tenant" set "controllerPartitionId" = null, "workerPartitionId" = null, "schedulerPartitionId" = null`;
      let cleared = 0;
      for (const table of tables.slice(1)) cleared += (await tx.unsafe(`delete from "${table}"`)).count;
      return cleared;
    });
  } catch (err) {
    // 3D000: the engine's database does not exist yet (a first start).
    if ((err as { code?: string }).code === "3D000") return 0;
    throw err;
  } finally {
    await sql.end();
  }
}
