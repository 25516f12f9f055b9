/**
 * `pnpm bench:send`: how fast enqueued sends leave through the provider. A fake Resend in its
 * own process (counts and ids only, no bodies), the stack, and the built api and worker
 * (NODE_ENV=production). N sends over M contacts go in through the public paths, POST /v1/emails
 * and a journey's `ctx.sendEmail` (a `user_signed_up` per contact), while the worker's dispatcher
 * drains them. Once every send is settled it reports emails/s, created_at → sent_at percentiles,
 * each process's peak RSS and the provider calls, and checks against the fake's ledger that each
 * send reached it exactly once. `--help` lists the flags.
 *
 * Exits 1 when a request was refused, a send did not go out, or the ledger is off.
 */
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { templates } from "@hogsend/api/emails";
import postgres from "postgres";
import { type FakeProvider, startFakeProvider } from "./bench/fake-provider.js";
import { errorTotal } from "./bench/load.js";
import { BENCH_RESEND_KEY, type LocalApi, startLocalApi } from "./bench/local-api.js";
import { readCliOptions, UsageError } from "./bench/options.js";
import { peakRssMb, startCpuMeter, startCpuSplit } from "./bench/process-stats.js";
import { resultLine } from "./bench/result-line.js";
import { enqueueSends, planSends, type SendPlan } from "./bench/send-load.js";
import { parseSendOptions, SEND_USAGE, type SendOptions } from "./bench/send-options.js";
import { type BacklogSummary, formatSendSummary, type SendSummary } from "./bench/send-report.js";
import {
  checkLedger,
  countSends,
  exactlyOnce,
  readCommits,
  readSends,
  summarizeSends,
  watchSends,
} from "./bench/send-settle.js";

const root = resolve(import.meta.dirname, "..");
const log = (line: string) => process.stderr.write(`[bench:send] ${line}\n`);

/** The journey that sends at enrollment, and its trigger. */
const JOURNEY_TRIGGER = "user_signed_up";
/** POST /v1/emails is rate limited per key; the bench is one key sending thousands a second. */
const EMAIL_SEND_RATE_LIMIT_PER_MINUTE = "100000000";
const WARMUP_TIMEOUT_MS = 120_000;

function readOptions(): SendOptions {
  return readCliOptions<SendOptions>((argv) => {
    const parsed = parseSendOptions(argv);
    if (parsed !== "help" && !Object.hasOwn(templates, parsed.template))
      throw new UsageError(
        `--template ${parsed.template} is not a template; known: ${Object.keys(templates).join(", ")}`,
      );
    return parsed;
  }, SEND_USAGE);
}

const options = readOptions();
const props = templates[options.template as keyof typeof templates].example as Record<string, unknown>;
const runId = `bench_send_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;

let local: LocalApi | undefined;
let fake: FakeProvider | undefined;
let sql: postgres.Sql | undefined;
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
  await sql?.end();
  sql = undefined;
  await local?.stop();
  local = undefined;
  await fake?.stop();
  fake = undefined;
}

/**
 * Enqueues `count` sends and waits until they are all settled. With `backlog`, the POST /v1/emails
 * sends go in first and the worker starts after them; the journey triggers follow.
 */
async function runSends(
  keyPrefix: string,
  count: number,
  contacts: number,
  timeoutMs: number,
  backlog: boolean,
  /** Called as the measured window opens: at the first request, or with `backlog` as the worker is up. */
  onWindow: () => Promise<void> = async () => {},
) {
  const started = local;
  if (!started || !sql) throw new Error("not started");
  const planOf = (n: number, journeyShare: number) =>
    planSends({
      keyPrefix,
      count: n,
      contacts,
      journeyShare,
      template: options.template,
      props,
      trigger: JOURNEY_TRIGGER,
    });
  const enqueue = (plan: SendPlan) =>
    enqueueSends({
      url: started.url,
      key: started.key,
      concurrency: options.concurrency,
      plan,
      signal: interrupt.signal,
    });
  const plan = planOf(count, options.journeyShare);
  let live = plan;
  let queued: BacklogSummary | undefined;
  if (backlog) {
    const emails = planOf(count - plan.journeySends, 0);
    log(`backlog: enqueueing ${emails.count} POST /v1/emails sends before the worker starts`);
    const enqueued = await enqueue(emails);
    const before = await countSends(sql, plan.userPrefix);
    queued = { enqueue: enqueued, sentBeforeWorker: before.total - (before.byStatus.queued ?? 0) };
    if (queued.sentBeforeWorker > 0)
      log(
        `${queued.sentBeforeWorker} sends left the queue before the worker started: something else dispatches`,
      );
    log("starting the worker");
    await started.startWorker();
    live = planOf(plan.journeySends, 1);
  }
  await onWindow();
  const requests = enqueue(live);
  const settled = watchSends({
    sql,
    userPrefix: plan.userPrefix,
    expected: count,
    enqueued: requests,
    timeoutMs,
    signal: interrupt.signal,
    progress: log,
  });
  const [answered, settle] = await Promise.all([requests, settled]);
  return { plan, enqueue: answered, settle, backlog: queued };
}

async function main(): Promise<number> {
  log(
    `run ${runId} (${options.mode}): starting a fake Resend, Postgres, Redis, Hatchet, the built api and worker`,
  );
  fake = await startFakeProvider({
    root,
    limit: options.mode === "limit" ? "resend" : "none",
    apiKey: BENCH_RESEND_KEY,
  });
  local = await startLocalApi({
    root,
    runId,
    ephemeral: options.ephemeral,
    build: options.build,
    profileDir: options.profileDir,
    workerProfileDir: options.profileDir,
    worker: true,
    deferWorker: options.backlog,
    resendUrl: fake.url,
    env: {
      EMAIL_SEND_RATE_LIMIT_PER_MINUTE,
      ...(options.ratePerSecond === undefined
        ? {}
        : { EMAIL_RATE_PER_SECOND: String(options.ratePerSecond) }),
      ...(options.burst === undefined ? {} : { EMAIL_RATE_BURST: String(options.burst) }),
      ...(options.nodeOptions === undefined ? {} : { NODE_OPTIONS: options.nodeOptions }),
    },
    log,
  });
  const db = postgres(local.databaseUrl, { max: 2, onnotice: () => {} });
  sql = db;

  if (options.warmup > 0) {
    log(`warm-up: ${options.warmup} sends to other contacts, not measured`);
    const warm = await runSends(
      `bench-${runId}-warm`,
      options.warmup,
      Math.max(Math.min(options.contacts, options.warmup), Math.round(options.warmup * options.journeyShare)),
      WARMUP_TIMEOUT_MS,
      false,
    );
    if (errorTotal(warm.enqueue) > 0 || warm.settle.timedOut)
      throw new Error(
        `the warm-up did not settle: ${JSON.stringify(warm.settle.counts.byStatus)}, errors ${JSON.stringify(warm.enqueue.errorSamples)}`,
      );
    // The fake's counters and ledger then hold the measured run only.
    await fake.reset();
  }

  log(`enqueueing ${options.count} sends to ${options.contacts} contacts, ${options.concurrency} in flight`);
  const started = local;
  const fakePid = fake.pid;
  let meters:
    | { cpu: ReturnType<typeof startCpuSplit>; client: { stop(): number }; commits: number }
    | undefined;
  const { plan, enqueue, settle, backlog } = await runSends(
    `bench-${runId}-run`,
    options.count,
    options.contacts,
    options.timeoutMs,
    options.backlog,
    async () => {
      meters = {
        cpu: startCpuSplit({ api: started.apiPid, worker: started.workerPid, fake: fakePid }),
        client: startCpuMeter(),
        commits: await readCommits(db),
      };
    },
  );
  if (!meters) throw new Error("the measured window never opened");
  const clientCpuPct = meters.client.stop();
  const { byProcess, ...services } = meters.cpu.stop();
  if (interrupted) return 130;
  // Backends report their counts about once a second.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const commits = (await readCommits(db)) - meters.commits;

  const rows = await readSends(db, plan.userPrefix);
  const figures = summarizeSends(rows);
  const provider = await fake.stats();
  const ledger = checkLedger(rows, await fake.ledger(), provider.unkeyed);
  const peak = {
    api: peakRssMb(local.apiPid),
    worker: peakRssMb(local.workerPid),
    fake: peakRssMb(fake.pid),
  };
  // Stopped before the report: a --profile is written as the api and worker exit.
  log("stopping the api, worker, fake and stack");
  await stopAll();

  const summary: SendSummary = {
    runId,
    mode: options.mode,
    count: options.count,
    contacts: options.contacts,
    journeySends: plan.journeySends,
    template: options.template,
    concurrency: options.concurrency,
    worker: { ratePerSecond: options.ratePerSecond, burst: options.burst },
    nodeOptions: options.nodeOptions,
    enqueue,
    backlog,
    settle,
    figures,
    provider,
    ledger,
    peakRssMb: peak,
    commitsPerSend: commits / options.count,
    cpuPct: {
      client: clientCpuPct,
      ...byProcess,
      postgres: services.postgresPct,
      hatchet: services.hatchetPct,
      redis: services.redisPct,
      machine: services.machinePct,
    },
    profileDir: options.profileDir ? resolve(options.profileDir) : undefined,
  };
  const result = resultLine("send", {
    mode: options.mode,
    backlog: backlog?.enqueue.requested,
    emails_per_s: backlog ? figures.dispatchPerSecond : figures.emailsPerSecond,
    p50_ms: figures.latency.p50,
    p99_ms: figures.latency.p99,
    sent: figures.sent,
    failed: figures.failed,
    rss_mb_worker: peak.worker,
    rss_mb_api: peak.api,
    calls: provider.requests,
    rate_limited: provider.rateLimited,
    duplicates: ledger.duplicates,
  });
  const text = formatSendSummary(summary);
  if (options.json) {
    process.stderr.write(`${text}\n${result}\n`);
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  } else {
    process.stdout.write(`${text}\n${result}\n`);
  }
  const ok =
    errorTotal(enqueue) === 0 &&
    (!backlog || (errorTotal(backlog.enqueue) === 0 && backlog.sentBeforeWorker === 0)) &&
    !settle.timedOut &&
    figures.sent === options.count &&
    rows.length === options.count &&
    exactlyOnce(ledger);
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
  if (!interrupted && (local || fake)) {
    log("stopping the api, worker, fake and stack");
    await stopAll();
  }
}
process.exit(code);
