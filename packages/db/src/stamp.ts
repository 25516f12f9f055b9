/**
 * `pnpm db:stamp [--track engine|client]`: record the bundled migrations as applied without
 * running them, for a database whose schema came from `db:push`.
 */
import { parseArgs } from "node:util";
import { formatEnvIssues } from "@hogsend/core";
import { defaultClientMigrationsDir, readDatabaseEnv } from "./env.js";
import { clientTrack, engineTrack, stampTrack } from "./migrations/index.js";

const { values } = parseArgs({ options: { track: { type: "string", default: "engine" } } });
const parsed = readDatabaseEnv();
if (!parsed.ok) {
  console.error(formatEnvIssues(parsed.issues, "db:stamp"));
  process.exit(1);
}
if (values.track !== "engine" && values.track !== "client") {
  console.error(`[stamp] unknown --track ${values.track}; use engine or client`);
  process.exit(1);
}
const { env } = parsed;
const track =
  values.track === "engine"
    ? engineTrack()
    : clientTrack(env.CLIENT_MIGRATIONS_DIR ?? defaultClientMigrationsDir());
try {
  await stampTrack(env.DATABASE_URL, track, (line) => console.log(`[stamp] ${line}`));
} catch (err) {
  console.error(`[stamp] ✗ ${(err as Error).message}`);
  process.exit(1);
}
