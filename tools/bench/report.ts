import type { BaselineResult } from "./baseline.js";
import type { PushStates } from "./databases.js";
import { errorTotal, type LoadResult } from "./load.js";
import { LATE_SEND_MS } from "./open-loop.js";

export interface BenchSummary {
  /** Names this run's databases (`<runId>`, `<runId>_baseline`), idempotency keys (`bench-<runId>-…`) and Hatchet namespace. */
  runId: string;
  target: { mode: "self-contained" | "url"; url: string };
  /** Closed-loop workers (the baseline's writers in both modes). */
  concurrency: number;
  durationMs: number;
  warmupMs: number;
  users: number;
  api: LoadResult;
  /** The api process's peak RSS (Linux VmHWM) at the end of the run; undefined when unknown. */
  apiPeakRssMb: number | undefined;
  /** Stored rows of this run by push state, after waiting `settleMs` at most; undefined without database access. */
  pushStates: (PushStates & { settleMs: number }) | undefined;
  /** Events Hatchet's own API reports for this run; undefined when not asked or not answering. */
  hatchetEvents: number | undefined;
  baseline:
    | { skipped: string }
    | {
        /** Rows the api accepted in the window; the baseline writes at least these. */
        apiAccepted: number;
        /** Connections the baseline's writers share, and where that number came from. */
        pool: number;
        poolSource: string;
        results: Array<BaselineResult & { batchSize: number; apiRatio: number }>;
      };
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (n: number) => `${fmt(n, n < 10 ? 2 : 1)} ms`;

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? "").length))) ?? [];
  return rows
    .map((r, i) => {
      const line = r.map((cell, col) =>
        col === 0 ? cell.padEnd(widths[col] ?? 0) : cell.padStart(widths[col] ?? 0),
      );
      const text = `  ${line.join("   ")}`;
      return i === 0 ? `${text}\n  ${widths.map((w) => "-".repeat(w)).join("   ")}` : text;
    })
    .join("\n");
}

function describeLoad(s: BenchSummary): string {
  const window = `${fmt(s.durationMs / 1000, 1)}s measured after ${fmt(s.warmupMs / 1000, 1)}s warm-up, events over ${fmt(s.users)} users`;
  const { open } = s.api;
  if (!open)
    return `  closed loop: ${s.concurrency} keep-alive workers, one request each in flight; ${window}`;
  return (
    `  open loop: ${fmt(open.offeredPerSecond, 1)} events/s offered on a fixed schedule (at most ${fmt(open.maxInFlight)} in flight),` +
    ` latency from each event's scheduled send time; ${window}`
  );
}

/** The human-readable result. */
export function formatSummary(s: BenchSummary): string {
  const { api } = s;
  const errorCount = errorTotal(api);
  const lines = [
    "",
    `ingest benchmark: POST /v1/events on ${s.target.url} (${s.target.mode})`,
    describeLoad(s),
    "",
    table([
      ["api", "events/s", "accepted", "errors", "p50", "p95", "p99", "max"],
      [
        "POST /v1/events",
        fmt(api.eventsPerSecond, 1),
        fmt(api.accepted),
        fmt(errorCount),
        ms(api.latency.p50),
        ms(api.latency.p95),
        ms(api.latency.p99),
        ms(api.latency.max),
      ],
    ]),
    "",
  ];
  if (api.open) {
    const o = api.open;
    lines.push(
      `  offered ${fmt(o.scheduled)} events in the window, sent ${fmt(o.sent)}; achieved ${fmt(api.eventsPerSecond, 1)} accepted/s of ${fmt(o.offeredPerSecond, 1)} offered;` +
        ` peak ${fmt(o.peakInFlight)} in flight; ${fmt(o.lateSends)} sent over ${LATE_SEND_MS} ms late (worst ${ms(o.maxSendLagMs)})`,
    );
  }
  lines.push(
    `  load client CPU: ${fmt(api.clientCpuPct, 1)} % of one core${api.clientCpuPct >= 80 ? "  (near saturation: the client may be the bottleneck)" : ""};` +
      ` api peak RSS: ${s.apiPeakRssMb === undefined ? "unknown (pass --api-pid with --url)" : `${fmt(s.apiPeakRssMb, 1)} MB`}`,
  );
  if (errorCount > 0) {
    lines.push("", "  errors by kind:");
    for (const [kind, n] of Object.entries(api.errors)) {
      lines.push(`    ${kind}: ${fmt(n)}  ${api.errorSamples[kind] ? `e.g. ${api.errorSamples[kind]}` : ""}`);
    }
  }
  if (s.pushStates) {
    const p = s.pushStates;
    const expected = api.accepted + api.warmup.accepted;
    lines.push(
      "",
      `  stored: ${fmt(p.stored)} rows for ${fmt(expected)} accepted events (incl. warm-up)` +
        `${p.stored === expected ? "" : "  MISMATCH"}; pushed to Hatchet: ${fmt(p.pushed)}, stored only (no consumer): ${fmt(p.skipped)},` +
        ` pending: ${fmt(p.pending)}, parked: ${fmt(p.parked)} (counted ${fmt(p.settleMs / 1000, 1)} s after the load)`,
    );
  }
  if (s.hatchetEvents !== undefined) {
    lines.push(`  Hatchet's event API reports ${fmt(s.hatchetEvents)} events for this run`);
  }
  lines.push("");
  if ("skipped" in s.baseline) {
    lines.push(`baseline skipped: ${s.baseline.skipped}`);
  } else {
    const rows = s.baseline.results[0]?.rows ?? 0;
    lines.push(
      `baseline: ${fmt(rows)} rows (contact upsert + event insert, the api's ${fmt(s.baseline.apiAccepted)} events${rows > s.baseline.apiAccepted ? " and more of the same kind" : ""}) straight into Postgres,` +
        ` ${s.concurrency} writers over ${s.baseline.pool} connections (${s.baseline.poolSource})`,
      "",
      table([
        ["direct Postgres", "rows/s", "commits", "retries", "time", "api / baseline"],
        ...s.baseline.results.map((r) => [
          r.mode === "row"
            ? "1 row per statement (prepared CTE, autocommit)"
            : `${r.batchSize} rows per transaction`,
          fmt(r.rowsPerSecond, 1),
          fmt(r.transactions),
          fmt(r.retries),
          `${fmt(r.elapsedMs / 1000, 2)} s`,
          `${fmt(r.apiRatio * 100, 1)} %`,
        ]),
      ]),
    );
  }
  return `${lines.join("\n")}\n`;
}
