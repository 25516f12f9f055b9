import { bundledEngineJournal, ENGINE_LEDGER, probeTrack } from "@hogsend/db/migrations";
import type { HogsendClient } from "./client.js";

/**
 * The api refuses to serve against an engine schema older than its build: it logs what is
 * required, applied and pending, and how to fix it. Returns whether the api may start.
 */
export async function checkBootSchema(client: HogsendClient): Promise<boolean> {
  const { logger, env } = client;
  const status = await probeTrack(client.db.sql, ENGINE_LEDGER, bundledEngineJournal);
  if (status.inSync) return true;
  const fields = { required: status.required, applied: status.applied, pending: status.pending };
  if (env.SKIP_SCHEMA_CHECK) {
    logger.warn("engine schema is behind this build; starting anyway because SKIP_SCHEMA_CHECK=true", fields);
    return true;
  }
  logger.error(
    "engine schema is behind this build: run the migrate mode (`pnpm db:migrate`, or the image's migrate command) and start again",
    fields,
  );
  return false;
}
