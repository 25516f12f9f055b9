import { availableParallelism } from "node:os";
import type { FakeProviderStats } from "./fake-provider.js";
import type { LatencySummary } from "./latency.js";
import { errorTotal } from "./load.js";
import type { EnqueueResult } from "./send-load.js";
import type { SendMode } from "./send-options.js";
import type { LedgerCheck, SendFigures, SettleResult } from "./send-settle.js";

/** `--backlog`: the POST /v1/emails sends enqueued before the worker started. */
export interface BacklogSummary {
  enqueue: EnqueueResult;
  /** Not queued any more when the worker started: another process dispatched them. */
  sentBeforeWorker: number;
}

export interface SendSummary {
  runId: string;
  mode: SendMode;
  count: number;
  contacts: number;
  /** Of `count`, sent by the welcome journey; the rest through POST /v1/emails. */
  journeySends: number;
  template: string;
  concurrency: number;
  /** The worker's rate settings; undefined: the provider's default. */
  worker: { ratePerSecond: number | undefined; burst: number | undefined };
  /** NODE_OPTIONS the api and worker ran with, when given. */
  nodeOptions?: string | undefined;
  /** With `backlog`, the journey triggers sent once the worker ran; else every request. */
  enqueue: EnqueueResult;
  backlog: BacklogSummary | undefined;
  settle: SettleResult;
  figures: SendFigures;
  provider: FakeProviderStats;
  ledger: LedgerCheck;
  /** Transactions committed in the run's database per send, about (`pg_stat_database`). */
  commitsPerSend: number;
  peakRssMb: { api: number | undefined; worker: number | undefined; fake: number | undefined };
  /**
   * % of one core over the measured run (enqueue to settled); `machine` is every process on all
   * cores, so what it holds beyond the rest ran beside the bench and took its share.
   */
  cpuPct: {
    client: number;
    api?: number;
    worker?: number;
    fake?: number;
    postgres: number;
    hatchet: number;
    redis: number;
    machine: number;
  };
  /** Where --profile wrote the api's and worker's CPU profiles. */
  profileDir: string | undefined;
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (n: number) => `${fmt(n, n < 10 ? 2 : 1)} ms`;
const mb = (n: number | undefined) => (n === undefined ? "unknown" : `${fmt(n, 1)} MB`);
const pct = (n: number | undefined) => (n === undefined ? "?" : fmt(n, 0));
const percentiles = (l: LatencySummary) =>
  l.count === 0 ? "none" : `p50 ${ms(l.p50)}  p95 ${ms(l.p95)}  p99 ${ms(l.p99)}  max ${ms(l.max)}`;

const enqueueLine = (e: EnqueueResult, concurrency: number) =>
  `${fmt(e.requested)} requests, ${concurrency} in flight, in ${fmt(e.elapsedMs / 1000, 1)} s` +
  ` (${fmt(e.elapsedMs > 0 ? e.requested / (e.elapsedMs / 1000) : 0)}/s); HTTP p50 ${ms(e.latency.p50)},` +
  ` p99 ${ms(e.latency.p99)}; ${fmt(errorTotal(e))} errors`;

/** The issue's targets, printed beside the figures (benchmarks are not tests: nothing asserts them). */
const TARGET_EMAILS_PER_S: Record<SendMode, number> = { limit: 450, unlimited: 1_000 };
const TARGET_RSS_MB = 256;

/** The human-readable result. */
export function formatSendSummary(s: SendSummary): string {
  const { enqueue: e, figures: f, provider: p, ledger: l, cpuPct: c } = s;
  const ours = c.client + (c.api ?? 0) + (c.worker ?? 0) + (c.fake ?? 0) + c.postgres + c.hatchet + c.redis;
  const cores = availableParallelism();
  const rate =
    s.worker.ratePerSecond === undefined
      ? "the provider's default rate (Resend: 5 requests/s, burst 1)"
      : `EMAIL_RATE_PER_SECOND=${s.worker.ratePerSecond}, EMAIL_RATE_BURST=${s.worker.burst ?? "default"}`;
  const fake = s.mode === "limit" ? "429 + Retry-After beyond 5 requests/s" : "unlimited";
  const target = TARGET_EMAILS_PER_S[s.mode];
  const lines = [
    "",
    `send benchmark (${s.mode}): ${fmt(s.count)} sends to ${fmt(s.contacts)} contacts:` +
      ` ${fmt(s.count - s.journeySends)} × POST /v1/emails (${s.template}), ${fmt(s.journeySends)} by the welcome journey`,
    `  fake Resend: ${fake}; worker: ${rate}${s.nodeOptions ? `; api and worker NODE_OPTIONS="${s.nodeOptions}"` : ""}`,
    "",
    ...(s.backlog
      ? [
          `  backlog      ${enqueueLine(s.backlog.enqueue, s.concurrency)}, before the worker started;` +
            ` ${fmt(s.backlog.sentBeforeWorker)} left the queue meanwhile${s.backlog.sentBeforeWorker > 0 ? " (SOMETHING ELSE DISPATCHES)" : ""}`,
          `  triggers     ${enqueueLine(e, s.concurrency)}, once the worker ran`,
        ]
      : [`  enqueue      ${enqueueLine(e, s.concurrency)}`]),
    `  settled      ${Object.entries(f.byStatus)
      .map(([status, n]) => `${fmt(n)} ${status}`)
      .join(", ")}` +
      `${s.settle.timedOut ? " (TIMED OUT)" : ""}, ${fmt(s.settle.waitedMs / 1000, 1)} s after the last enqueue answer`,
    ...(s.backlog
      ? [
          `  emails/s     ${fmt(f.dispatchPerSecond, 1)}  (sent over first → last sent_at: the worker draining the backlog and the journeys' sends; target ≥ ${fmt(target)})`,
          `               ${fmt(f.dispatchPerSecondApi, 1)}  (POST /v1/emails sends over first sent_at → their last: the backlog alone)`,
        ]
      : [
          `  emails/s     ${fmt(f.emailsPerSecond, 1)}  (sent over first enqueue → last sent_at, ${fmt(f.spanMs / 1000, 1)} s; target ≥ ${fmt(target)})`,
          `               ${fmt(f.dispatchPerSecond, 1)}  (sent over first → last sent_at: the dispatcher's own pace)`,
        ]),
    `  enqueue → accepted (email_sends.created_at → sent_at)`,
    `    all              ${percentiles(f.latency)}`,
    `    POST /v1/emails  ${percentiles(f.latencyApi)}`,
    `    journey          ${percentiles(f.latencyJourney)}`,
    `  journey trigger → send enqueued (user_events.received_at → email_sends.created_at)`,
    `                     ${percentiles(f.triggerToEnqueue)}`,
    `  provider     ${fmt(p.requests)} calls (${Object.entries(p.byPath)
      .map(([path, n]) => `${path} ${fmt(n)}`)
      .join(", ")}), ${fmt(p.rateLimited)} answered 429; ${fmt(p.accepted)} emails accepted`,
    `  once each    ${fmt(l.checked)} sent rows checked against the fake's ledger: ${l.missing} missing,` +
      ` ${l.mismatched} mismatched, ${l.duplicates} duplicates, ${l.unrecorded} unrecorded, ${l.unkeyed} unkeyed`,
    `  Postgres     ≈ ${fmt(s.commitsPerSend, s.commitsPerSend < 0.1 ? 3 : 1)} commits per send in the run's database (${s.backlog ? "the worker's drain and this bench's polls: the enqueues came before" : "api, worker and this bench's polls"})`,
    `  peak RSS     api ${mb(s.peakRssMb.api)}, worker ${mb(s.peakRssMb.worker)} (target ≤ ${TARGET_RSS_MB} MB each); fake ${mb(s.peakRssMb.fake)}`,
    `  CPU          % of one core over the run: client ${pct(c.client)}, api ${pct(c.api)},` +
      ` worker ${pct(c.worker)}, fake ${pct(c.fake)}, postgres ${pct(c.postgres)}, hatchet ${pct(c.hatchet)},` +
      ` redis ${pct(c.redis)}; the machine ${pct(c.machine)} of ${cores * 100}` +
      ` (outside this run: ${pct(Math.max(0, c.machine - ours))})`,
  ];
  for (const result of s.backlog ? [s.backlog.enqueue, e] : [e]) {
    for (const [kind, n] of Object.entries(result.errors)) {
      const sample = result.errorSamples[kind];
      lines.push(`  error ${kind}: ${fmt(n)}${sample ? `  e.g. ${sample}` : ""}`);
    }
  }
  if (f.failureSample) lines.push(`  a failed send's reason: ${f.failureSample}`);
  for (const sample of l.samples) lines.push(`  ledger: ${sample}`);
  if (s.profileDir) lines.push(`  CPU profiles of the api and worker: ${s.profileDir}`);
  return `${lines.join("\n")}\n`;
}
