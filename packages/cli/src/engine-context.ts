import { formatEnvIssues } from "@hogsend/core";
import {
  createHogsendClient,
  createLogger,
  createRuntime,
  type HogsendClient,
  type Runtime,
  type RuntimeContent,
  readEnv,
} from "@hogsend/engine";
import { processEnv } from "./env.js";
import { CliError, EXIT } from "./exit-codes.js";

/**
 * The engine's client, built from the api's whole environment, for commands that act on journey
 * runs (erase, cancel, enroll) or ingest: Hatchet, as well as the database. Warnings (a cancel
 * that did not land) go to stderr, so JSON on stdout stays JSON.
 */
export function openEngineClient(command: string): HogsendClient {
  const env = readEnv(processEnv());
  if (!env.ok) throw new CliError(formatEnvIssues(env.issues, `hogsend ${command}`), EXIT.CONFIG);
  return createHogsendClient(env.env, {
    version: "cli",
    role: "cli",
    logger: createLogger({ level: "warn", json: false, write: (line) => process.stderr.write(`${line}\n`) }),
  });
}

/** The deployment's content, or a usage error naming the CLI that has it. */
export function requireContent(content: RuntimeContent | undefined, command: string): RuntimeContent {
  if (content) return content;
  throw new CliError(
    `hogsend ${command} needs this deployment's journeys: run the deployment's CLI, ` +
      "`pnpm hogsend …` in the repo or `node apps/api/dist/cli.js …` in the image",
    EXIT.USAGE,
  );
}

/**
 * The runtime over the deployment's content, with no background loop: what it ingests is queued
 * in the event outbox, and the api's or worker's pusher (woken by NOTIFY) carries it to Hatchet.
 */
export function openRuntime(command: string, content: RuntimeContent): Runtime {
  return createRuntime(openEngineClient(command), content, { loops: [] });
}
