/**
 * `hogsend doctor`: everything a deployment needs, checked from where it runs, one line each
 * with what to do when it is wrong. It reads the environment like the run modes do, then asks
 * each dependency: Postgres, Redis, Hatchet, a worker's heartbeat, both migration tracks (and
 * whether an applied migration's file changed since), the email provider, the public URL, the
 * sending domain's DNS, the webhook secrets and the clock.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { formatEnvIssues } from "@hogsend/core";
import { readDatabaseEnv } from "@hogsend/db/env";
import {
  CLIENT_LEDGER,
  ENGINE_LEDGER,
  type Journal,
  LEDGER_SCHEMA,
  readMigrationFolder,
} from "@hogsend/db/migrations";
import { type Env, readEnv } from "../env.js";
import { checkHealth } from "../health/health.js";
import { createHogsendClient, type HogsendClient } from "../platform/client.js";
import { createLogger } from "../platform/logger.js";
import { type DoctorCheck, fail, ok, skip, timed } from "./checks.js";
import { checkEmailProvider } from "./email-provider.js";
import { checkSendingDomain } from "./sending-domain.js";

export type { DoctorCheck } from "./checks.js";

export interface DoctorOptions {
  /** The run mode whose env contract applies: `api` and `worker` share one; `migrate` needs the database's. */
  mode: "api" | "worker" | "migrate";
  source: Record<string, string | undefined>;
  /** The engine track's migration folder (packages/db/drizzle) and the client track's, for drift. */
  engineFolder: string;
  clientFolder: string;
  version: string;
  timeoutMs?: number;
}

const CLOCK_SKEW_WARN_MS = 2_000;
const WEBHOOK_SECRETS = ["RESEND_WEBHOOK_SECRET", "POSTMARK_WEBHOOK_USER", "POSTHOG_WEBHOOK_SECRET"] as const;

export async function runDoctor(options: DoctorOptions): Promise<DoctorCheck[]> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  if (options.mode === "migrate") {
    const parsed = readDatabaseEnv(options.source);
    return [
      parsed.ok
        ? ok("env (migrate)", "DATABASE_URL and the migration settings are valid")
        : fail(
            "env (migrate)",
            formatEnvIssues(parsed.issues, "the migrate run mode"),
            "fix the keys named above",
          ),
    ];
  }
  const parsed = readEnv(options.source);
  if (!parsed.ok)
    return [
      fail(
        `env (${options.mode})`,
        formatEnvIssues(parsed.issues, `the ${options.mode} run mode`),
        "fix every key named above, then run the doctor again",
      ),
    ];
  const env = parsed.env;
  const checks: DoctorCheck[] = [ok(`env (${options.mode})`, `valid (NODE_ENV=${env.NODE_ENV})`)];
  const client = createHogsendClient(env, {
    version: options.version,
    role: "doctor",
    logger: createLogger({ level: "error", json: true, write: () => {} }),
  });
  try {
    checks.push(...(await checkServices(client, options)));
    checks.push(await checkClock(client.db.sql, timeoutMs));
    checks.push(await checkEmailProvider(env, timeoutMs));
    checks.push(await checkPublicUrl(env, timeoutMs));
    checks.push(...(await checkSendingDomain(env.EMAIL_FROM, resolveEmailProviderName(env))));
    checks.push(...webhookSecrets(env));
  } finally {
    await client.close();
  }
  return checks;
}

function resolveEmailProviderName(env: Env): string {
  return env.EMAIL_PROVIDER ?? (env.POSTMARK_SERVER_TOKEN ? "postmark" : "resend");
}

async function checkServices(client: HogsendClient, options: DoctorOptions): Promise<DoctorCheck[]> {
  const clientJournal = await readJournal(options.clientFolder);
  const report = await checkHealth(client, { clientJournal });
  const { database, redis, hatchet, worker } = report.components;
  const checks: DoctorCheck[] = [
    database.status === "up"
      ? ok("postgres", "reachable", database.latencyMs ?? undefined)
      : fail("postgres", database.error ?? "unreachable", "is DATABASE_URL right, and Postgres up?"),
    redis.status === "disabled"
      ? skip("redis", "REDIS_URL is not set: sessions and rate limits are per process")
      : redis.status === "up"
        ? ok("redis", "reachable", redis.latencyMs ?? undefined)
        : fail("redis", redis.error ?? "unreachable", "is REDIS_URL right, and Redis up?"),
    hatchet.status === "up"
      ? ok("hatchet", `gRPC reachable at ${client.hatchetHostPort}`, hatchet.latencyMs ?? undefined)
      : fail(
          "hatchet",
          hatchet.error ?? "unreachable",
          "is HATCHET_CLIENT_HOST_PORT (or the token's address) right, and the engine up?",
        ),
    worker.status === "up"
      ? ok("worker", `${worker.live} live, last heartbeat ${worker.lastSeenAt}`)
      : worker.status === "disabled"
        ? skip("worker", "no Redis: worker heartbeats are not kept")
        : fail(
            "worker",
            worker.error ?? "no heartbeat",
            "start the worker run mode (node apps/api/dist/worker.js)",
            false,
          ),
  ];
  const tracks = [
    {
      name: "engine migrations",
      status: report.schema.engine,
      ledger: ENGINE_LEDGER,
      folder: options.engineFolder,
    },
    {
      name: "client migrations",
      status: report.schema.client,
      ledger: CLIENT_LEDGER,
      folder: options.clientFolder,
    },
  ];
  for (const track of tracks) {
    if (!track.status) {
      checks.push(
        track.name.startsWith("client") && !clientJournal
          ? skip(track.name, "no client migrations")
          : fail(track.name, "cannot read the ledger", "is the database reachable and migrated?"),
      );
      continue;
    }
    const drifted = database.status === "up" ? await driftOf(client.db.sql, track.ledger, track.folder) : [];
    if (!track.status.inSync)
      checks.push(
        fail(
          track.name,
          `${track.status.applied} of ${track.status.required} applied; pending: ${track.status.pending.join(", ")}`,
          "run the migrate mode: tsx packages/db/src/migrate.ts",
        ),
      );
    else if (drifted.length > 0)
      checks.push(
        fail(
          track.name,
          `applied, but the files of ${drifted.join(", ")} changed since`,
          "restore those files; changes go into a new migration",
          false,
        ),
      );
    else checks.push(ok(track.name, `${track.status.applied} applied, none pending, no drift`));
  }
  return checks;
}

/** A track's journal (`meta/_journal.json`), or null when the folder has none. */
async function readJournal(folder: string): Promise<Journal | null> {
  try {
    return JSON.parse(await readFile(join(folder, "meta/_journal.json"), "utf8")) as Journal;
  } catch {
    return null;
  }
}

/** Applied migrations whose file's hash differs from the one the ledger recorded. */
async function driftOf(sql: HogsendClient["db"]["sql"], ledger: string, folder: string): Promise<string[]> {
  const files = await readMigrationFolder(folder);
  if (!files) return [];
  const rows = await sql
    .unsafe(`select hash, created_at from "${LEDGER_SCHEMA}"."${ledger}"`)
    .catch(() => [] as Record<string, unknown>[]);
  const byWhen = new Map(rows.map((r: Record<string, unknown>) => [Number(r.created_at), String(r.hash)]));
  return files.filter((f) => byWhen.has(f.when) && byWhen.get(f.when) !== f.hash).map((f) => f.tag);
}

async function checkClock(sql: HogsendClient["db"]["sql"], timeoutMs: number): Promise<DoctorCheck> {
  const probe = await timed(async () => {
    const before = Date.now();
    const [row] = await sql<
      { ms: number }[]
    >`select (extract(epoch from clock_timestamp()) * 1000)::float8 as ms`;
    return (row?.ms ?? 0) - (before + Date.now()) / 2;
  }, timeoutMs);
  if ("error" in probe) return skip("clock", `cannot ask Postgres: ${probe.error}`);
  const skew = Math.round(probe.value);
  return Math.abs(skew) <= CLOCK_SKEW_WARN_MS
    ? ok("clock", `${skew} ms from Postgres`)
    : fail(
        "clock",
        `${skew} ms from Postgres`,
        "sync this host's clock (NTP): waits, caps and tokens compare times",
        false,
      );
}

async function checkPublicUrl(env: Env, timeoutMs: number): Promise<DoctorCheck> {
  const name = "API_PUBLIC_URL";
  if (!env.API_PUBLIC_URL) return skip(name, "not set: email links point at the request's host");
  const url = `${env.API_PUBLIC_URL.replace(/\/$/, "")}/v1/health/live`;
  const probe = await timed(() => fetch(url), timeoutMs);
  if ("error" in probe || !probe.value.ok)
    return fail(
      name,
      `${url}: ${"error" in probe ? probe.error : `HTTP ${probe.value.status}`}`,
      "email links, tracking and unsubscribe need it reachable from the internet",
      false,
    );
  return ok(name, `${url} answers`, probe.ms);
}

function webhookSecrets(env: Env): DoctorCheck[] {
  return WEBHOOK_SECRETS.map((key) =>
    env[key] ? ok(key, "set") : skip(key, "not set: that webhook source refuses every call"),
  );
}

/** The report as lines: ✓, ✗, ! or – with the check, the detail, and the fix. */
export function formatDoctor(checks: DoctorCheck[]): string {
  const mark = { ok: "✓", fail: "✗", warn: "!", skip: "–" } as const;
  const width = Math.max(...checks.map((c) => c.name.length));
  return checks
    .map((c) => {
      const latency = c.latencyMs === undefined ? "" : ` (${c.latencyMs} ms)`;
      const head = `${mark[c.status]} ${c.name.padEnd(width)}  ${c.detail.split("\n").join("\n    ")}${latency}`;
      return c.fix && c.status !== "ok" ? `${head}\n    → ${c.fix}` : head;
    })
    .join("\n");
}

/** True when no required check failed. */
export const doctorPassed = (checks: DoctorCheck[]) => checks.every((c) => c.status !== "fail");
