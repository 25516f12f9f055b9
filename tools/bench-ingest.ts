/**
 * `pnpm bench:ingest`: throughput and latency of POST /v1/events against the real api on real
 * Postgres, Redis and Hatchet. Closed loop (default) next to the best direct write of the same
 * rows into Postgres; open loop (`--rate N`) at a fixed offered rate, latency measured from each
 * event's scheduled send time. Self-contained by default (devstack + the built api); `--url
 * --key` drives an api that is already running. `--help` lists the flags.
 *
 * Exits 1 when the api answered anything but 202 (or an event could not be sent), accepted
 * nothing, stored a different number of rows than it accepted, or left events pending or parked.
 */
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { type BaselineResult, runBaselines } from "./bench/baseline.js";
import { countApiConnections, countPushStates, createMigratedDatabase } from "./bench/databases.js";
import { BENCH_EVENT_NAMES, createEventSource } from "./bench/events.js";
import { countHatchetEvents } from "./bench/hatchet-events.js";
import { driveIngest, errorTotal, type LoadResult } from "./bench/load.js";
import { type LocalApi, startLocalApi } from "./bench/local-api.js";
import { driveOpenLoop } from "./bench/open-loop.js";
import { type BenchOptions, parseBenchOptions, readCliOptions, USAGE } from "./bench/options.js";
import { peakRssMb, startCpuSplit } from "./bench/process-stats.js";
import { type BenchSummary, formatSummary } from "./bench/report.js";
import { resultLine } from "./bench/result-line.js";

const root = resolve(import.meta.dirname, "..");

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

const options = readCliOptions<BenchOptions>(parseBenchOptions, USAGE);
const runId = `bench_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
// Idempotency keys of this run's events: unique, and how its rows are found afterwards.
const keyPrefix = `bench-${runId}`;
const seed = randomBytes(4).readUInt32LE();

let local: LocalApi | undefined;
let interrupted = false;
const interrupt = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  // `on`, not `once`: a second Ctrl-C must not kill the process mid-cleanup.
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    interrupt.abort();
    log(`${signal}: stopping`);
    // Interrupted while starting, what was started goes with this process (exit hooks).
    void (local?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}

/** The api's pool size unless --pool says otherwise: what the baseline's writers share. */
async function baselinePool(databaseUrl: string | undefined): Promise<{ pool: number; source: string }> {
  if (options.pool) return { pool: options.pool, source: "--pool" };
  const seen = databaseUrl ? await countApiConnections(databaseUrl).catch(() => 0) : 0;
  if (seen > 0) return { pool: seen, source: "the api's open connections after its run" };
  return { pool: 10, source: "the api's connections not seen: createDb's default" };
}

async function baseline(
  serverUrl: string | undefined,
  accepted: number,
  pool: { pool: number; source: string },
): Promise<BenchSummary["baseline"]> {
  if (options.skipBaseline) return { skipped: "--no-baseline" };
  if (options.mode === "open") {
    return {
      skipped:
        "open loop: the api's rate is the offered rate, not its capacity (run the closed loop for the ratio)",
    };
  }
  if (accepted === 0) return { skipped: "the api accepted no events, so there is nothing to compare" };
  if (!serverUrl) {
    return {
      skipped:
        "set DATABASE_URL to the api's Postgres (a scratch database is created next to it) or pass --no-baseline",
    };
  }
  // A short api run accepts a few hundred events, which Postgres alone writes in milliseconds:
  // too short to time. The comparison is of rates, so the baseline tops the count up (with
  // more events of the same kind) until its timing means something.
  const rows = Math.max(accepted, options.baselineMinRows);
  log(
    `baseline: writing ${rows} rows straight into a scratch database on the same Postgres, ${options.concurrency} writers over ${pool.pool} connections`,
  );
  const scratch = await createMigratedDatabase(serverUrl, `${runId}_baseline`);
  let results: BaselineResult[];
  try {
    results = await runBaselines({
      databaseUrl: scratch.url,
      rows,
      concurrency: options.concurrency,
      pool: pool.pool,
      batchSize: options.batchSize,
      users: options.users,
      seed,
      keyPrefix,
      progress: (line) => log(`baseline ${line}`),
    });
  } finally {
    await scratch.drop();
  }
  return {
    apiAccepted: accepted,
    pool: pool.pool,
    poolSource: pool.source,
    results: results.map((r) => ({ ...r, batchSize: options.batchSize, apiRatio: 0 })),
  };
}

function drive(target: { url: string; key: string }): Promise<LoadResult> {
  const events = createEventSource({ keyPrefix, users: options.users, seed });
  const common = {
    url: target.url,
    key: target.key,
    warmupMs: options.warmupMs,
    durationMs: options.durationMs,
    events,
    progress: (line: string) => log(`api ${line}`),
    signal: interrupt.signal,
  };
  if (options.mode === "open" && options.ratePerSecond !== undefined) {
    log(
      `driving POST ${target.url}/v1/events open loop: ${options.ratePerSecond} events/s offered, at most ${options.maxInFlight} in flight, ${options.warmupMs / 1000}s warm-up, ${options.durationMs / 1000}s measured`,
    );
    return driveOpenLoop({
      ...common,
      ratePerSecond: options.ratePerSecond,
      maxInFlight: options.maxInFlight,
    });
  }
  log(
    `driving POST ${target.url}/v1/events closed loop: ${options.concurrency} workers, ${options.warmupMs / 1000}s warm-up, ${options.durationMs / 1000}s measured`,
  );
  return driveIngest({ ...common, concurrency: options.concurrency });
}

async function main(): Promise<number> {
  let target: { url: string; key: string };
  let databaseUrl: string | undefined;
  if (options.url && options.key) {
    target = { url: options.url, key: options.key };
    databaseUrl = process.env.DATABASE_URL || undefined;
    if (!databaseUrl) log("DATABASE_URL is not set: no stored-row check and no baseline");
  } else {
    log(`self-contained run ${runId}: starting Postgres, Redis, Hatchet and the built api`);
    local = await startLocalApi({
      root,
      runId,
      ephemeral: options.ephemeral,
      build: options.build,
      profileDir: options.profileDir,
      log,
    });
    target = { url: local.url, key: local.key };
    databaseUrl = local.databaseUrl;
  }

  const startedAt = new Date();
  const split = startCpuSplit({ api: local ? local.apiPid : options.apiPid });
  const api = await drive(target);
  const cpu = split.stop();
  log(
    `CPU during the run (warm-up included), % of one core: load client ${api.clientCpuPct.toFixed(1)}, api ${cpu.byProcess.api?.toFixed(1) ?? "?"}, postgres ${cpu.postgresPct.toFixed(1)}`,
  );
  const apiPeakRssMb = peakRssMb(local ? local.apiPid : options.apiPid);
  const pool = await baselinePool(databaseUrl);

  let pushStates: BenchSummary["pushStates"];
  if (databaseUrl) pushStates = await countPushStates(databaseUrl, keyPrefix, options.settleMs);
  let hatchetEvents: number | undefined;
  if (local) {
    // The run's namespace is its own, so every event under it since the start is this run's.
    hatchetEvents = await countHatchetEvents(local.hatchet, BENCH_EVENT_NAMES, startedAt).catch(
      (err: Error) => {
        log(`could not ask Hatchet's event API: ${err.message}`);
        return undefined;
      },
    );
  }

  const serverUrl = local ? local.serverUrl : databaseUrl;
  const base = await baseline(serverUrl, api.accepted, pool);
  if ("results" in base) {
    for (const r of base.results) r.apiRatio = api.eventsPerSecond / r.rowsPerSecond;
  }
  const summary: BenchSummary = {
    runId,
    target: { mode: local ? "self-contained" : "url", url: target.url },
    concurrency: options.concurrency,
    durationMs: options.durationMs,
    warmupMs: options.warmupMs,
    users: options.users,
    api,
    apiPeakRssMb,
    pushStates,
    hatchetEvents,
    baseline: base,
  };
  const text = formatSummary(summary);
  const errorCount = errorTotal(api);
  const singleRow = "results" in base ? base.results.find((r) => r.mode === "row") : undefined;
  const batch = "results" in base ? base.results.find((r) => r.mode === "batch") : undefined;
  const result = resultLine("ingest", {
    mode: api.mode,
    offered_per_s: api.open?.offeredPerSecond,
    events_per_s: api.eventsPerSecond,
    p50_ms: api.latency.p50,
    p95_ms: api.latency.p95,
    p99_ms: api.latency.p99,
    max_ms: api.latency.max,
    errors: errorCount,
    late_sends: api.open?.lateSends,
    baseline_1row: singleRow?.rowsPerSecond,
    baseline_batch: batch?.rowsPerSecond,
    ratio: singleRow ? api.eventsPerSecond / singleRow.rowsPerSecond : undefined,
    client_cpu_pct: api.clientCpuPct,
    api_cpu_pct: cpu.byProcess.api,
    pg_cpu_pct: cpu.postgresPct,
    api_peak_rss_mb: apiPeakRssMb,
  });
  if (options.json) {
    process.stderr.write(`${text}\n${result}\n`);
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  } else {
    process.stdout.write(`${text}\n${result}\n`);
  }

  const storedMismatch = pushStates && pushStates.stored !== api.accepted + api.warmup.accepted;
  const unpushed = pushStates && pushStates.pending + pushStates.parked > 0;
  if (errorCount > 0 || api.accepted === 0 || storedMismatch || unpushed) {
    if (local) log(`api output (tail):\n${local.output().slice(-4_000)}`);
    return 1;
  }
  return 0;
}

let code = 1;
try {
  code = await main();
} catch (err) {
  if (!interrupted) {
    log(`failed: ${(err as Error).stack ?? String(err)}`);
    if (local) log(`api output (tail):\n${local.output().slice(-4_000)}`);
  }
} finally {
  if (local && !interrupted) {
    log("stopping the api and the stack");
    await local.stop();
    if (options.profileDir)
      log(`api CPU profile written to ${resolve(options.profileDir)} (open it in Chrome DevTools)`);
  }
}
process.exit(code);
