/**
 * `pnpm chaos`: proves nothing is lost and nothing is sent twice when processes die and the
 * provider misbehaves. N journeys, two emails each, through the real stack (Postgres, Redis,
 * Hatchet, the api and worker run modes with the chaos journey) and a fake Resend in its own
 * process answering 429, 500 or nothing at random, while the worker is SIGKILLed every few
 * seconds and restarted, and the api is SIGKILLed once mid-ingest. `--help` lists the flags.
 *
 * Ends with `RESULT chaos …`; exits 1 on any lost or repeated event, enrollment or email.
 */
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { seededRandom } from "@hogsend/devstack";
import postgres from "postgres";
import { type FakeProvider, startFakeProvider } from "./bench/fake-provider.js";
import { createApiPoster } from "./bench/http-post.js";
import { BENCH_RESEND_KEY, type LocalApi, startLocalApi } from "./bench/local-api.js";
import { readCliOptions } from "./bench/options.js";
import { resultLine } from "./bench/result-line.js";
import { providerKeyOf } from "./bench/send-settle.js";
import { type ChaosEvent, ingestWithRetries } from "./chaos/ingest.js";
import { CHAOS_JOURNEY_ID, CHAOS_TEMPLATES, CHAOS_TRIGGER } from "./chaos/journey.js";
import { CHAOS_USAGE, parseChaosOptions } from "./chaos/options.js";
import { chaosPassed, verifyChaos } from "./chaos/verify.js";

const root = resolve(import.meta.dirname, "..");
const log = (line: string) => process.stderr.write(`[chaos] ${line}\n`);
const options = readCliOptions(parseChaosOptions, CHAOS_USAGE);
const runId = `chaos_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
const random = seededRandom(options.seed);
/** How long one event may keep failing (the api is down for a restart) before it counts as refused. */
const EVENT_RETRY_MS = 120_000;

let local: LocalApi | undefined;
let fake: FakeProvider | undefined;
let sql: postgres.Sql | undefined;
const interrupt = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping`);
    interrupt.abort();
  });
}

async function stopAll() {
  await sql?.end();
  await local?.stop();
  await fake?.stop();
  sql = undefined;
  local = undefined;
  fake = undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Kills and restarts the worker at random intervals until `until` resolves; returns the kills. */
async function killWorkerAtRandom(stack: LocalApi, until: Promise<unknown>): Promise<number> {
  let done = false;
  void until.finally(() => (done = true));
  let kills = 0;
  while (!done && !interrupt.signal.aborted) {
    const wait = options.killMinMs + random() * (options.killMaxMs - options.killMinMs);
    await Promise.race([sleep(wait), until]);
    if (done || interrupt.signal.aborted) break;
    kills++;
    const killedAt = performance.now();
    await stack.crash("worker");
    log(
      `SIGKILLed the worker (#${kills}); restarted in ${((performance.now() - killedAt) / 1000).toFixed(1)} s`,
    );
  }
  return kills;
}

/** Polls the run's enrollments and sends until all settled, or the timeout; logs progress. */
async function waitSettled(db: postgres.Sql, userPrefix: string, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  let lastLog = 0;
  while (!interrupt.signal.aborted) {
    const [row] = await db<{ completed: number; enrolled: number; sent: number; pending: number }[]>`
      select
        (select count(*) filter (where status = 'completed') from journey_states where journey_id = ${CHAOS_JOURNEY_ID})::int as completed,
        (select count(*) from journey_states where journey_id = ${CHAOS_JOURNEY_ID})::int as enrolled,
        (select count(*) filter (where s.status = 'sent') from email_sends s join contacts c on c.id = s.contact_id
          where starts_with(c.external_id, ${userPrefix}))::int as sent,
        (select count(*) filter (where s.status in ('queued', 'sending')) from email_sends s join contacts c on c.id = s.contact_id
          where starts_with(c.external_id, ${userPrefix}))::int as pending`;
    const { completed = 0, enrolled = 0, sent = 0, pending = 0 } = row ?? {};
    const expectedEmails = options.journeys * CHAOS_TEMPLATES.length;
    if (completed >= options.journeys && sent + pending >= expectedEmails && pending === 0) return true;
    if (performance.now() >= deadline) return false;
    if (performance.now() - lastLog >= 5_000) {
      lastLog = performance.now();
      log(
        `${enrolled} enrolled, ${completed} of ${options.journeys} completed, ${sent} emails sent, ${pending} queued or sending`,
      );
    }
    await sleep(1_000);
  }
  return false;
}

async function main(): Promise<number> {
  const started = performance.now();
  log(`run ${runId}, seed ${options.seed}: ${options.journeys} journeys × ${CHAOS_TEMPLATES.length} emails`);
  fake = await startFakeProvider({
    root,
    limit: "none",
    apiKey: BENCH_RESEND_KEY,
    faults: { spec: options.faults, seed: options.seed },
  });
  log(`fake Resend on ${fake.url} with faults ${options.faults}`);
  const tsx = (entry: string) => ["--import", "tsx", resolve(root, "tools/chaos", entry)];
  const stack = await startLocalApi({
    root,
    runId,
    ephemeral: true,
    build: false,
    profileDir: undefined,
    worker: true,
    resendUrl: fake.url,
    entries: { api: tsx("api.ts"), worker: tsx("worker.ts") },
    env: {
      // The worker's ready line is an info line: a restart waits for it.
      LOG_LEVEL: "info",
      // Below the journey's sleep: every run is evicted and replayed mid-journey.
      JOURNEY_EVICT_AFTER: "1s",
    },
    log,
  });
  local = stack;
  const db = postgres(stack.databaseUrl, { max: 2, onnotice: () => {} });
  sql = db;

  const userPrefix = `${runId}_u`;
  const recipients = Array.from({ length: options.journeys }, (_, i) => `${runId}.${i}@chaos.example.com`);
  const events: ChaosEvent[] = recipients.map((email, i) => {
    const idempotencyKey = `${runId}-start-${i}`;
    return {
      idempotencyKey,
      body: JSON.stringify({ name: CHAOS_TRIGGER, userId: `${userPrefix}${i}`, email, idempotencyKey }),
    };
  });
  // The api dies once, somewhere in the middle half of the ingest.
  const apiKillAt = Math.max(1, Math.floor(options.journeys * (0.25 + random() * 0.5)));
  let apiKill: Promise<void> | undefined;
  const poster = createApiPoster({ url: stack.url, key: stack.key, maxSockets: 64 });
  log(
    `ingesting ${options.journeys} ${CHAOS_TRIGGER} events at ${options.ratePerSecond}/s; the api dies after ${apiKillAt} acknowledgements`,
  );
  const ingest = ingestWithRetries({
    poster,
    events,
    ratePerSecond: options.ratePerSecond,
    retryForMs: EVENT_RETRY_MS,
    signal: interrupt.signal,
    onAck: (acked) => {
      if (acked !== apiKillAt || apiKill) return;
      log(`SIGKILL the api after ${acked} acknowledgements, restarting it`);
      const killedAt = performance.now();
      apiKill = stack.crash("api").then(() => {
        log(`the api is back after ${((performance.now() - killedAt) / 1000).toFixed(1)} s`);
      });
    },
  });
  const settled = ingest.then(async () => {
    await apiKill;
    return waitSettled(db, userPrefix, options.timeoutMs);
  });
  const [ingested, workerKills, allSettled] = await Promise.all([
    ingest,
    killWorkerAtRandom(stack, settled),
    settled,
  ]);
  poster.close();
  if (interrupt.signal.aborted) return 130;
  if (!allSettled) log(`not settled within --timeout ${options.timeoutMs / 1000}s; checking what there is`);

  const acked = new Set(ingested.acked);
  const stored = await db<{ key: string }[]>`
    select idempotency_key as key from user_events where idempotency_key = any(${[...acked]})`;
  const enrollments = await db<{ recipient: string; status: string }[]>`
    select c.email as recipient, j.status from journey_states j join contacts c on c.id = j.contact_id
    where j.journey_id = ${CHAOS_JOURNEY_ID}`;
  const sends = await db<{ id: string; toEmail: string; template: string; status: string }[]>`
    select s.id, s.to_email as "toEmail", s.template, s.status
    from email_sends s join contacts c on c.id = s.contact_id where starts_with(c.external_id, ${userPrefix})`;
  const providerStats = await fake.stats();
  const verdict = verifyChaos({
    recipients,
    templates: CHAOS_TEMPLATES,
    ackedKeys: ingested.acked,
    storedKeys: new Set(stored.map((r) => r.key)),
    enrollments,
    sends,
    ledger: await fake.ledger(),
    providerKeyOf,
  });
  const passed = chaosPassed(verdict) && ingested.refused.length === 0;
  const seconds = (performance.now() - started) / 1000;
  log("stopping the api, worker, fake and stack");
  await stopAll();

  const lines = [
    `chaos run ${runId} (seed ${options.seed}) ${passed ? "PASSED" : "FAILED"} in ${seconds.toFixed(0)} s`,
    `  events      ${verdict.acked} of ${options.journeys} acknowledged, ${verdict.eventsLost} of them not stored, ${ingested.refused.length} refused`,
    `              retried: ${JSON.stringify(ingested.retriedBy)}`,
    `  journeys    ${verdict.completed} completed once, ${verdict.notCompleted} not completed, ${verdict.enrolledTwice} enrolled twice`,
    `  emails      ${verdict.emailsAccepted} of ${verdict.emailsExpected} accepted by the provider; ${verdict.lost} lost, ${verdict.duplicatesByKey} twice by key, ${verdict.duplicatesByRecipient} twice by recipient and template, ${verdict.unrecorded} unrecorded, ${verdict.notSent} rows not sent`,
    `  chaos       worker SIGKILLs ${workerKills}, api SIGKILLs ${apiKill ? 1 : 0}`,
    `  provider    ${providerStats.requests} calls, faults ${JSON.stringify(providerStats.faults)}`,
    ...(verdict.samples.length > 0 ? ["  samples", ...verdict.samples.map((s) => `    ${s}`)] : []),
    ...ingested.refused.slice(0, 5).map((r) => `  refused ${r.idempotencyKey}: ${r.outcome}`),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  process.stdout.write(
    `${resultLine("chaos", {
      passed: passed ? 1 : 0,
      journeys: options.journeys,
      acked: verdict.acked,
      events_lost: verdict.eventsLost,
      completed: verdict.completed,
      enrolled_twice: verdict.enrolledTwice,
      emails: verdict.emailsAccepted,
      lost: verdict.lost,
      duplicates: verdict.duplicatesByKey + verdict.duplicatesByRecipient,
      worker_kills: workerKills,
      api_kills: apiKill ? 1 : 0,
      faults_429: providerStats.faults.rateLimited,
      faults_500: providerStats.faults.serverError,
      faults_timeout: providerStats.faults.timeout,
      seconds,
    })}\n`,
  );
  return passed ? 0 : 1;
}

let code = 1;
try {
  code = await main();
} catch (err) {
  log(`failed: ${(err as Error).stack ?? String(err)}`);
  if (local) log(`api and worker output (tail):\n${local.output().slice(-6_000)}`);
} finally {
  await stopAll();
}
process.exit(code);
