/**
 * `pnpm bench:enroll`: event → enrolled latency with the worker running on real Hatchet. Sends
 * one trigger event per new user at a steady rate (open loop) through POST /v1/events, and
 * measures, per event, from its `user_events.received_at` to the `journey_states.started_at`
 * of the enrollment it triggered. Self-contained by default (devstack, the built api and
 * worker, a fake Resend in its own process); `--url --key` with DATABASE_URL measures an api
 * and worker that are already running. `--help` lists the flags.
 *
 * Exits 1 when a trigger was refused or not sent, or fewer enrolled than were accepted.
 */
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { ENROLL_USAGE, type EnrollOptions, parseEnrollOptions } from "./bench/enroll-options.js";
import { type EnrollSummary, formatEnrollSummary } from "./bench/enroll-report.js";
import { measureEnrollments } from "./bench/enrollments.js";
import { createTriggerSource } from "./bench/events.js";
import { type FakeProvider, startFakeProvider } from "./bench/fake-provider.js";
import { errorTotal } from "./bench/load.js";
import { BENCH_RESEND_KEY, type LocalApi, startLocalApi } from "./bench/local-api.js";
import { driveOpenLoop } from "./bench/open-loop.js";
import { readCliOptions, UsageError } from "./bench/options.js";
import { peakRssMb } from "./bench/process-stats.js";
import { resultLine } from "./bench/result-line.js";

const root = resolve(import.meta.dirname, "..");
const log = (line: string) => process.stderr.write(`[bench:enroll] ${line}\n`);

const options = readCliOptions<EnrollOptions>(parseEnrollOptions, ENROLL_USAGE);
const runId = `bench_enroll_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
// Warm-up and measured triggers under keys of their own: `bench-<runId>-warm-…`, `…-run-…`.
const warmPrefix = `bench-${runId}-warm`;
const runPrefix = `bench-${runId}-run`;

let local: LocalApi | undefined;
let fakes: FakeProvider | undefined;
let interrupted = false;
const interrupt = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    interrupt.abort();
    log(`${signal}: stopping`);
    void stopAll().finally(() => process.exit(130));
  });
}

async function stopAll() {
  await local?.stop();
  await fakes?.stop();
}

async function main(): Promise<number> {
  let target: { url: string; key: string };
  let databaseUrl: string;
  if (options.url && options.key) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new UsageError("--url needs DATABASE_URL (the api's database) to read enrollments");
    target = { url: options.url, key: options.key };
    databaseUrl = url;
  } else {
    log(
      `self-contained run ${runId}: starting a fake Resend, Postgres, Redis, Hatchet, the built api and worker`,
    );
    fakes = await startFakeProvider({ root, limit: "none", apiKey: BENCH_RESEND_KEY });
    local = await startLocalApi({
      root,
      runId,
      ephemeral: options.ephemeral,
      build: options.build,
      profileDir: undefined,
      worker: true,
      resendUrl: fakes.url,
      log,
    });
    target = { url: local.url, key: local.key };
    databaseUrl = local.databaseUrl;
  }

  const drive = (keyPrefix: string, durationMs: number, label: string) =>
    driveOpenLoop({
      url: target.url,
      key: target.key,
      ratePerSecond: options.ratePerSecond,
      maxInFlight: options.maxInFlight,
      warmupMs: 0,
      durationMs,
      events: createTriggerSource({ keyPrefix, event: options.event }),
      progress: (line) => log(`${label} ${line}`),
      signal: interrupt.signal,
    });
  if (options.warmupMs > 0) {
    log(`warm-up: ${options.ratePerSecond} triggers/s for ${options.warmupMs / 1000}s`);
    await drive(warmPrefix, options.warmupMs, "warm-up");
  }
  log(`sending ${options.event}: ${options.ratePerSecond}/s for ${options.durationMs / 1000}s`);
  const triggers = await drive(runPrefix, options.durationMs, "triggers");
  const enrollments = await measureEnrollments({
    databaseUrl,
    journey: options.journey,
    keyPrefix: runPrefix,
    expected: triggers.accepted,
    waitMs: options.waitMs,
    progress: log,
  });
  const apiPeakRssMb = peakRssMb(local ? local.apiPid : options.apiPid);
  const workerPeakRssMb = peakRssMb(local ? local.workerPid : options.workerPid);

  let emailsAccepted: number | undefined;
  if (local) {
    // Stopped here, not in the finally, so the fake's own count can be read.
    log("stopping the api, worker and stack");
    await local.stop();
    local = undefined;
    emailsAccepted = (await fakes?.stats())?.accepted;
    await fakes?.stop();
    fakes = undefined;
  }

  const summary: EnrollSummary = {
    runId,
    target: { mode: options.url ? "url" : "self-contained", url: target.url },
    journey: options.journey,
    event: options.event,
    ratePerSecond: options.ratePerSecond,
    durationMs: options.durationMs,
    warmupMs: options.warmupMs,
    triggers,
    enrollments,
    apiPeakRssMb,
    workerPeakRssMb,
    emailsAccepted,
  };
  const { latency } = enrollments;
  const result = resultLine("enroll", {
    rate_per_s: options.ratePerSecond,
    sent: triggers.accepted,
    enrolled: enrollments.enrolled,
    p50_ms: latency.p50,
    p95_ms: latency.p95,
    p99_ms: latency.p99,
    max_ms: latency.max,
    errors: errorTotal(triggers),
    refused: enrollments.skipped,
    http_p99_ms: triggers.latency.p99,
    client_cpu_pct: triggers.clientCpuPct,
    api_peak_rss_mb: apiPeakRssMb,
    worker_peak_rss_mb: workerPeakRssMb,
  });
  const text = formatEnrollSummary(summary);
  if (options.json) {
    process.stderr.write(`${text}\n${result}\n`);
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  } else {
    process.stdout.write(`${text}\n${result}\n`);
  }
  const ok =
    errorTotal(triggers) === 0 && triggers.accepted > 0 && enrollments.enrolled === triggers.accepted;
  return ok ? 0 : 1;
}

let code = 1;
try {
  code = await main();
} catch (err) {
  if (!interrupted) {
    log(`failed: ${(err as Error).stack ?? String(err)}`);
    if (local) log(`api and worker output (tail):\n${local.output().slice(-6_000)}`);
  }
} finally {
  if (!interrupted && (local || fakes)) {
    log("stopping the api, worker and stack");
    await stopAll();
  }
}
process.exit(code);
