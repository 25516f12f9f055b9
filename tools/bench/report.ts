import type { BaselineResult } from "./baseline.js";
import type { PushStates } from "./databases.js";
import type { LoadResult } from "./load.js";

export interface BenchSummary {
  /** Names this run's databases (`<runId>`, `<runId>_baseline`), idempotency keys (`bench-<runId>-…`) and Hatchet namespace. */
  runId: string;
  target: { mode: "self-contained" | "url"; url: string };
  concurrency: number;
  durationMs: number;
  warmupMs: number;
  users: number;
  api: LoadResult;
  /** Stored rows of this run by push state; undefined without database access. */
  pushStates: PushStates | undefined;
  /** Events Hatchet's own API reports for this run; undefined when not asked or not answering. */
  hatchetEvents: number | undefined;
  baseline:
    | { skipped: string }
    | {
        /** Rows the api accepted in the window; the baseline writes at least these. */
        apiAccepted: number;
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

/** The human-readable result. */
export function formatSummary(s: BenchSummary): string {
  const { api } = s;
  const errorCount = Object.values(api.errors).reduce((a, b) => a + b, 0);
  const lines = [
    "",
    `ingest benchmark: POST /v1/events on ${s.target.url} (${s.target.mode})`,
    `  ${s.concurrency} keep-alive workers, ${fmt(s.durationMs / 1000, 1)}s measured after ${fmt(s.warmupMs / 1000, 1)}s warm-up, events over ${fmt(s.users)} users`,
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
  ];
  if (errorCount > 0) {
    lines.push("", "  errors by status:");
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
        `${p.stored === expected ? "" : "  MISMATCH"}; pushed to Hatchet: ${fmt(p.pushed)}, pending: ${fmt(p.pending)}`,
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
      `baseline: ${fmt(rows)} rows (contact upsert + event insert, the api's ${fmt(s.baseline.apiAccepted)} events${rows > s.baseline.apiAccepted ? " and more of the same kind" : ""}) straight into Postgres, ${s.concurrency} connections`,
      "",
      table([
        ["direct Postgres", "rows/s", "transactions", "retries", "time", "api / baseline"],
        ...s.baseline.results.map((r) => [
          r.mode === "row" ? "1 row per transaction" : `${r.batchSize} rows per transaction`,
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
