/**
 * Runs devstack for `pnpm dev` in a process group of its own, so a terminal's Ctrl-C reaches
 * `pnpm dev` alone, which stops the api and worker before it asks this host to stop the stack.
 * The stack also stops when the parent disappears (the IPC channel closes, even after SIGKILL).
 */
import { join } from "node:path";
import {
  HOST_PORTS,
  type PostgresHandle,
  type Stack,
  type StartStackOptions,
  startPostgres,
  startStack,
} from "@hogsend/devstack";
import { clearStaleEngineState } from "./hatchet-partitions.js";
import type { HostMessage } from "./stack.js";

const send = (message: HostMessage) => process.send?.(message);
const options = JSON.parse(process.argv[2] ?? "{}") as StartStackOptions;
const log = (line: string) => process.stderr.write(`[dev] ${line}\n`);

let postgres: PostgresHandle | undefined;
let stack: Stack | undefined;
let startFailed = false;
let stopRequested = false;
let stopping = false;
async function stop(code: number) {
  stopRequested = true;
  // Mid-start: the services are stopped once startStack returns (it cannot be cut short).
  if (stopping || (!stack && !startFailed)) return;
  stopping = true;
  await stack?.stop();
  await postgres?.stop().catch(() => {});
  process.exit(code);
}
process.on("message", (message) => {
  if (message === "stop") void stop(0);
});
process.on("disconnect", () => void stop(0));
// Signals meant for this group only (someone signalled it by hand).
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));

try {
  let stackOptions = options;
  const { existing } = options;
  if (!existing.DATABASE_URL && !existing.HATCHET_CLIENT_TOKEN) {
    // Postgres first (where startStack would put it), so the engine it will host can start
    // without the stale partitions of its previous run.
    postgres = await startPostgres({
      dockerHost: existing.DOCKER_HOST,
      dataDir: join(options.homeDir, options.name, "postgres"),
      port: options.preferHostPorts ? HOST_PORTS.postgres : undefined,
      ephemeral: options.ephemeral,
      database: options.database ?? "hogsend",
    });
    const cleared = await clearStaleEngineState(postgres.url("hatchet")).catch((err: Error) => {
      log(`could not clear the engine's stale partitions (${err.message}); first runs may wait a minute`);
      return 0;
    });
    if (cleared > 0) log(`cleared ${cleared} partition and lease row(s) the previous engine run left`);
    stackOptions = { ...options, existing: { ...existing, DATABASE_URL: postgres.url() } };
  }
  stack = await startStack(stackOptions);
  send({ type: "ready", env: { ...stack.env }, postgresSource: postgres?.source ?? stack.postgres.source });
} catch (err) {
  startFailed = true;
  send({ type: "failed", message: (err as Error).message });
  await stop(1);
}
if (stopRequested) await stop(0);
