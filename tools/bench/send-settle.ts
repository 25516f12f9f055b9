import type postgres from "postgres";
import { LatencyRecorder, type LatencySummary } from "./latency.js";

/** This run's sends by status. */
export interface SendCounts {
  total: number;
  byStatus: Record<string, number>;
}

/** Not settled yet: waiting for the dispatcher, or in a provider call. */
const UNSETTLED = ["queued", "sending"];

const unsettled = (counts: SendCounts) => UNSETTLED.reduce((n, s) => n + (counts.byStatus[s] ?? 0), 0);

/** The run's sends: those to its contacts (user ids under `userPrefix`), from either path. */
export async function countSends(sql: postgres.Sql, userPrefix: string): Promise<SendCounts> {
  const rows = await sql<{ status: string; n: number }[]>`
    select s.status, count(*)::int as n
    from email_sends s join contacts c on c.id = s.contact_id
    where starts_with(c.external_id, ${userPrefix})
    group by s.status`;
  const byStatus = Object.fromEntries(rows.map((r) => [r.status, r.n]));
  return { total: rows.reduce((n, r) => n + r.n, 0), byStatus };
}

export interface SettleResult {
  counts: SendCounts;
  /** From the last enqueue answer until every send settled (or the timeout). */
  waitedMs: number;
  timedOut: boolean;
}

/**
 * Polls this run's sends while they are enqueued and dispatched, logging once a second, until
 * `enqueued` has resolved and `expected` sends exist with none queued or sending, or `timeoutMs`
 * after `enqueued` (journey sends appear only once their run reached `ctx.sendEmail`).
 */
export async function watchSends(options: {
  sql: postgres.Sql;
  userPrefix: string;
  expected: number;
  enqueued: Promise<unknown>;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  progress(line: string): void;
}): Promise<SettleResult> {
  let enqueuedAt: number | undefined;
  void options.enqueued.then(
    () => (enqueuedAt = performance.now()),
    () => (enqueuedAt = performance.now()),
  );
  const started = performance.now();
  let lastLog = started;
  let lastSent = 0;
  for (;;) {
    const counts = await countSends(options.sql, options.userPrefix);
    const now = performance.now();
    const settled = counts.total >= options.expected && unsettled(counts) === 0;
    if (enqueuedAt !== undefined && settled) return { counts, waitedMs: now - enqueuedAt, timedOut: false };
    if (enqueuedAt !== undefined && now - enqueuedAt >= options.timeoutMs)
      return { counts, waitedMs: now - enqueuedAt, timedOut: true };
    if (options.signal?.aborted) return { counts, waitedMs: 0, timedOut: true };
    if (now - lastLog >= 1_000) {
      const sent = counts.byStatus.sent ?? 0;
      options.progress(
        `${((now - started) / 1000).toFixed(0).padStart(3)}s: ${counts.total} of ${options.expected} recorded,` +
          ` ${sent} sent (+${(((sent - lastSent) * 1000) / (now - lastLog)).toFixed(0)}/s),` +
          ` ${unsettled(counts)} queued or sending${enqueuedAt === undefined ? ", enqueueing" : ""}`,
      );
      lastLog = now;
      lastSent = sent;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** One of this run's sends as the bench reads it back. */
export interface SendRow {
  id: string;
  status: string;
  journey: boolean;
  providerMessageId: string | null;
  reason: string | null;
  /** `created_at` and `sent_at` in epoch ms, Postgres's clock. */
  createdMs: number;
  sentMs: number | null;
  /** A journey send's trigger event: its `received_at`, epoch ms. */
  triggerMs: number | null;
}

export async function readSends(sql: postgres.Sql, userPrefix: string): Promise<SendRow[]> {
  return sql<SendRow[]>`
    select s.id, s.status, s.journey_id is not null as journey,
      s.provider_message_id as "providerMessageId", s.reason,
      (extract(epoch from s.created_at) * 1000)::float8 as "createdMs",
      (extract(epoch from s.sent_at) * 1000)::float8 as "sentMs",
      (extract(epoch from e.received_at) * 1000)::float8 as "triggerMs"
    from email_sends s join contacts c on c.id = s.contact_id
      left join journey_states j on j.id = s.journey_state_id
      left join user_events e on e.id = j.trigger_event_id
    where starts_with(c.external_id, ${userPrefix})`;
}

export interface SendFigures {
  byStatus: Record<string, number>;
  sent: number;
  failed: number;
  /** Sent over the time from the first enqueue (`created_at`) to the last `sent_at`. */
  emailsPerSecond: number;
  /** Sent over the time from the first to the last `sent_at`: the dispatcher's own pace. */
  dispatchPerSecond: number;
  /** POST /v1/emails sends over the first `sent_at` to their own last (a backlog's drain, before journeys' tail). */
  dispatchPerSecondApi: number;
  /** First `created_at` to last `sent_at`. */
  spanMs: number;
  /** `created_at → sent_at` of each sent email: all, and by path. */
  latency: LatencySummary;
  latencyApi: LatencySummary;
  latencyJourney: LatencySummary;
  /** A journey send's trigger event received → the send enqueued by its run (Hatchet and the journey). */
  triggerToEnqueue: LatencySummary;
  /** A failed send's reason, to tell what went wrong. */
  failureSample: string | undefined;
}

/** The figures of a settled run. */
export function summarizeSends(rows: readonly SendRow[]): SendFigures {
  const byStatus: Record<string, number> = {};
  const all = new LatencyRecorder();
  const api = new LatencyRecorder();
  const journey = new LatencyRecorder();
  const triggered = new LatencyRecorder();
  let firstCreated = Number.POSITIVE_INFINITY;
  let firstSent = Number.POSITIVE_INFINITY;
  let lastSent = Number.NEGATIVE_INFINITY;
  let lastSentApi = Number.NEGATIVE_INFINITY;
  let failureSample: string | undefined;
  for (const row of rows) {
    byStatus[row.status] = (byStatus[row.status] ?? 0) + 1;
    firstCreated = Math.min(firstCreated, row.createdMs);
    if (row.triggerMs !== null) triggered.record(row.createdMs - row.triggerMs);
    if (row.status === "failed") failureSample ??= row.reason ?? undefined;
    if (row.status !== "sent" || row.sentMs === null) continue;
    firstSent = Math.min(firstSent, row.sentMs);
    lastSent = Math.max(lastSent, row.sentMs);
    if (!row.journey) lastSentApi = Math.max(lastSentApi, row.sentMs);
    const ms = row.sentMs - row.createdMs;
    all.record(ms);
    (row.journey ? journey : api).record(ms);
  }
  const sent = byStatus.sent ?? 0;
  const spanMs = sent > 0 ? lastSent - firstCreated : 0;
  const perSecond = (ms: number, n = sent) => (ms > 0 ? n / (ms / 1000) : 0);
  return {
    byStatus,
    sent,
    failed: byStatus.failed ?? 0,
    emailsPerSecond: perSecond(spanMs),
    dispatchPerSecond: perSecond(sent > 0 ? lastSent - firstSent : 0),
    dispatchPerSecondApi: perSecond(api.count > 0 ? lastSentApi - firstSent : 0, api.count),
    spanMs,
    latency: all.summary(),
    latencyApi: api.summary(),
    latencyJourney: journey.summary(),
    triggerToEnqueue: triggered.summary(),
    failureSample,
  };
}

/** Each sent email against what the fake provider accepted. */
export interface LedgerCheck {
  /** Sent rows looked up in the ledger. */
  checked: number;
  /** Sent, but the fake holds no id for its key. */
  missing: number;
  /** The fake issued an id other than the row's provider_message_id. */
  mismatched: number;
  /** Keys the fake accepted more than once: delivered twice. */
  duplicates: number;
  /** Keys the fake accepted that no sent row accounts for (an email out, recorded as not sent). */
  unrecorded: number;
  /** Emails the fake accepted without a per-email key. */
  unkeyed: number;
  /** A few offending keys, to start looking. */
  samples: string[];
}

/** The fake's key for a send: its per-email idempotency key (`compose.ts`). */
export const providerKeyOf = (sendId: string) => `hogsend-send-${sendId}`;

/** Exactly once: one id per sent row's key, equal to its provider_message_id, and nothing else. */
export function checkLedger(
  rows: readonly SendRow[],
  ledger: Record<string, readonly string[]>,
  unkeyed: number,
): LedgerCheck {
  const check: LedgerCheck = {
    checked: 0,
    missing: 0,
    mismatched: 0,
    duplicates: 0,
    unrecorded: 0,
    unkeyed,
    samples: [],
  };
  const sample = (what: string) => {
    if (check.samples.length < 5) check.samples.push(what);
  };
  const sentKeys = new Set<string>();
  for (const row of rows) {
    if (row.status !== "sent") continue;
    const key = providerKeyOf(row.id);
    sentKeys.add(key);
    check.checked++;
    const ids = ledger[key];
    if (!ids || ids.length === 0) {
      check.missing++;
      sample(`missing ${key}`);
    } else if (ids[0] !== row.providerMessageId) {
      check.mismatched++;
      sample(`mismatched ${key}: ${ids[0]} ≠ ${row.providerMessageId}`);
    }
  }
  for (const [key, ids] of Object.entries(ledger)) {
    if (ids.length > 1) {
      check.duplicates++;
      sample(`duplicate ${key}: ${ids.join(", ")}`);
    }
    if (!sentKeys.has(key)) {
      check.unrecorded++;
      sample(`unrecorded ${key}`);
    }
  }
  return check;
}

/** True when every sent email reached the fake once and the fake got nothing else. */
export const exactlyOnce = (c: LedgerCheck) =>
  c.missing + c.mismatched + c.duplicates + c.unrecorded + c.unkeyed === 0;

/**
 * Transactions committed in the run's database so far (`pg_stat_database`: the api's, the
 * worker's and this bench's polls alike; Hatchet keeps its own database). Backends report them
 * about once a second, so a difference over a run is close, not exact.
 */
export async function readCommits(sql: postgres.Sql): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select (xact_commit + xact_rollback)::float8 as n from pg_stat_database where datname = current_database()`;
  return row?.n ?? 0;
}
