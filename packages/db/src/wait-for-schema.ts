/**
 * `tsx packages/db/src/wait-for-schema.ts [--timeout 600] [--interval 2]`: waits until both
 * migration tracks hold every migration this build bundles (a database ahead of the build counts),
 * then exits 0; at the deadline exits 1 naming what is pending. It only reads the ledgers.
 *
 * Orchestrators run it in front of the api and the worker (a Kubernetes initContainer), so they
 * start after the migrate run mode has finished, whoever ran it and whether or not its Job
 * object still exists. The worker has no boot guard of its own.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { formatEnvIssues } from "@hogsend/core";
import postgres from "postgres";
import { defaultClientMigrationsDir, readDatabaseEnv } from "./env.js";
import {
  bundledEngineJournal,
  CLIENT_LEDGER,
  ENGINE_LEDGER,
  type Journal,
  probeTrack,
  type TrackStatus,
} from "./migrations/index.js";

const log = (line: string) => console.log(`[wait-for-schema] ${line}`);
const fail = (line: string) => console.error(`[wait-for-schema] ✗ ${line}`);

function seconds(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`--${name} must be a positive number of seconds`);
  return value;
}

async function readClientJournal(folder: string): Promise<Journal | undefined> {
  const path = join(folder, "meta", "_journal.json");
  if (!existsSync(path)) return undefined;
  return JSON.parse(await readFile(path, "utf8")) as Journal;
}

const describeTrack = (name: string, status: TrackStatus) =>
  `${name} ${status.applied}/${status.required} applied (pending: ${status.pending.join(", ")})`;

async function main(): Promise<number> {
  let timeoutS: number;
  let intervalS: number;
  try {
    const { values } = parseArgs({
      options: {
        timeout: { type: "string", default: "600" },
        interval: { type: "string", default: "2" },
      },
    });
    timeoutS = seconds("timeout", values.timeout);
    intervalS = seconds("interval", values.interval);
  } catch (err) {
    fail((err as Error).message);
    return 1;
  }
  const parsed = readDatabaseEnv();
  if (!parsed.ok) {
    console.error(formatEnvIssues(parsed.issues, "wait-for-schema"));
    return 1;
  }
  const { env } = parsed;
  const clientJournal = await readClientJournal(env.CLIENT_MIGRATIONS_DIR ?? defaultClientMigrationsDir());
  const sql = postgres(env.DATABASE_URL, {
    max: 1,
    connect_timeout: 5,
    onnotice: () => {},
    connection: { application_name: "hogsend-wait-for-schema" },
  });
  const deadline = Date.now() + timeoutS * 1000;
  let last = "";
  try {
    for (;;) {
      let state: string;
      try {
        const engine = await probeTrack(sql, ENGINE_LEDGER, bundledEngineJournal);
        const client = clientJournal ? await probeTrack(sql, CLIENT_LEDGER, clientJournal) : undefined;
        if (engine.inSync && (client?.inSync ?? true)) {
          log(
            `schema is up to date (engine ${engine.required}${client ? `, client ${client.required}` : ""} migrations)`,
          );
          return 0;
        }
        state = [
          engine.inSync ? undefined : describeTrack("engine", engine),
          client && !client.inSync ? describeTrack("client", client) : undefined,
        ]
          .filter(Boolean)
          .join("; ");
      } catch (err) {
        // Postgres may still be starting, or the network not yet up: keep waiting.
        state = `database not reachable: ${(err as Error).message}`;
      }
      if (Date.now() >= deadline) {
        fail(`gave up after ${timeoutS}s: ${state}. Run the migrate mode (tsx packages/db/src/migrate.ts)`);
        return 1;
      }
      if (state !== last) log(`waiting for the migrate run mode: ${state}`);
      last = state;
      await new Promise((r) => setTimeout(r, intervalS * 1000));
    }
  } finally {
    await sql.end({ timeout: 1 });
  }
}

process.exitCode = await main();
